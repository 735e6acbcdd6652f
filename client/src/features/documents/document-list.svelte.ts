import type { DocumentChange, DocumentView } from '../../../../shared/src/documents.js';
import { errorText } from '../../lib/api.js';
import { coalesce } from '../../lib/coalesce.js';
import { isNotFound } from '../teams/team/team-state.svelte.js';
import { listDocuments } from './api.js';

/** Newest day first, then newest added: the server's order, kept for live additions. */
export function sortDocuments(docs: DocumentView[]): DocumentView[] {
  return [...docs].sort((a, b) =>
    a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.addedAt < b.addedAt ? 1 : -1,
  );
}

/** Applies a live change to a list (added once, removed wherever it is). */
export function applyChange(docs: DocumentView[], change: DocumentChange): DocumentView[] {
  if ('removedId' in change) return docs.filter((d) => d.id !== change.removedId);
  if (docs.some((d) => d.id === change.document.id)) return docs;
  return sortDocuments([...docs, change.document]);
}

/** One team's documents on its page, live. */
export class DocumentList {
  documents = $state.raw<DocumentView[]>([]);
  state = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  loadError = $state<string | null>(null);

  constructor(readonly teamId: string) {}

  readonly refresh = coalesce(async () => {
    try {
      this.documents = sortDocuments(await listDocuments(this.teamId));
      this.state = 'ready';
      this.loadError = null;
    } catch (error) {
      if (isNotFound(error)) this.state = 'not_found';
      else {
        this.loadError = errorText(error);
        if (this.state === 'loading') this.state = 'error';
      }
    }
  });

  apply(change: DocumentChange): void {
    if (change.teamId === this.teamId) this.documents = applyChange(this.documents, change);
  }
}

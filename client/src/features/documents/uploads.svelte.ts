import type { DocumentKind, DocumentView } from '../../../../shared/src/documents.js';
import { ApiError } from '../../lib/api.js';
import { newClientId } from '../chat/timeline.js';
import { uploadFile, type UploadHandle } from './api.js';

// Codes after which the same file will never be accepted: no retry offered.
const FINAL = new Set([
  'file_too_large',
  'file_type_refused',
  'file_type_mismatch',
  'heic_unsupported',
  'image_unreadable',
  'file_infected',
  'team_closed',
  'read_only',
  'not_found',
  'quota_exceeded',
  'validation_failed',
]);

export type UploadState = 'waiting' | 'uploading' | 'done' | 'failed';

/**
 * One file on its way to the server, with its progress. Its client id is drawn once, so a
 * retry after a lost connection (or a lost answer) never stores the file twice.
 */
export class Upload {
  readonly clientId = newClientId();
  state = $state<UploadState>('waiting');
  progress = $state(0);
  error = $state<string | null>(null);
  retryable = $state(true);
  document = $state.raw<DocumentView | null>(null);
  #handle: UploadHandle | null = null;

  constructor(
    readonly file: File,
    readonly fields: { title?: string; kind?: DocumentKind; date?: string } = {},
  ) {}

  get name(): string {
    return this.file.name || 'photo.jpg';
  }

  /** Sends (or sends again) the file; resolves with the document, or null when it failed. */
  async run(teamId: string): Promise<DocumentView | null> {
    if (this.document) return this.document;
    this.state = 'uploading';
    this.error = null;
    this.progress = 0;
    this.#handle = uploadFile(
      teamId,
      this.file,
      { clientId: this.clientId, ...this.fields },
      (p) => (this.progress = p),
    );
    try {
      this.document = await this.#handle.done;
      this.progress = 1;
      this.state = 'done';
      return this.document;
    } catch (error) {
      this.state = 'failed';
      this.error = error instanceof ApiError ? error.message : 'L’envoi a échoué.';
      this.retryable = !(error instanceof ApiError && FINAL.has(error.code));
      return null;
    } finally {
      this.#handle = null;
    }
  }

  cancel(): void {
    this.#handle?.abort();
  }
}

/** Sends uploads two at a time (a phone's connection is shared), in order; returns the documents. */
export async function runAll(teamId: string, uploads: Upload[]): Promise<(DocumentView | null)[]> {
  const results: (DocumentView | null)[] = new Array<DocumentView | null>(uploads.length).fill(
    null,
  );
  let next = 0;
  const worker = async () => {
    while (next < uploads.length) {
      const i = next++;
      results[i] = await uploads[i]!.run(teamId);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

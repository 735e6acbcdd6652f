import type { FileChange, FileEntryView } from '../../../../shared/src/patient-file.js';
import { ApiError, errorText } from '../../lib/api.js';
import { coalesce } from '../../lib/coalesce.js';
import { listEntries } from './api.js';
import { applyFileChange } from './file-fields.js';

/** The structured file of one team, kept up to date by `file:changed`. */
export class FileList {
  entries = $state<FileEntryView[]>([]);
  state = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  loadError = $state<string | null>(null);

  constructor(readonly teamId: string) {}

  readonly refresh = coalesce(async () => {
    try {
      this.entries = await listEntries(this.teamId);
      this.state = 'ready';
      this.loadError = null;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') this.state = 'not_found';
      else {
        this.loadError = errorText(error);
        if (this.state === 'loading') this.state = 'error';
      }
    }
  });

  apply(change: FileChange): void {
    if (change.teamId === this.teamId) this.entries = applyFileChange(this.entries, change);
  }

  /** An answer to the actor's own write (it may come before or after its event). */
  put(entry: FileEntryView): void {
    this.apply({ teamId: this.teamId, entry });
  }
}

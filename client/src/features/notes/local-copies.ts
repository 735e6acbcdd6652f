import type { NoteAddress } from '../../../../shared/src/notes.js';

/**
 * The browser keeps a copy of each note opened (IndexedDB, y-indexeddb) so that edits made
 * offline survive a reload and are sent at the next connection. These copies are health data
 * (RGPD art. 9, CSP L.1110-4): they are named after this prefix and deleted at sign-out, and
 * when the server tells us we lost access to a note.
 */
const PREFIX = 'escap-note-';
/** Names of the copies made, for browsers without `indexedDB.databases()`. */
const REGISTRY_KEY = 'escap-note-copies';

export function localCopyName({ teamId, doc }: NoteAddress): string {
  return `${PREFIX}${teamId}-${doc}`;
}

function registered(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(REGISTRY_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

/** Remembers that a copy exists (its name holds ids only, no health data). */
export function registerLocalCopy(name: string): void {
  try {
    const names = registered();
    if (!names.includes(name)) localStorage.setItem(REGISTRY_KEY, JSON.stringify([...names, name]));
  } catch {
    // Storage unavailable (private mode...): `indexedDB.databases()` still finds the copy.
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    // A copy still open (a page being torn down) is deleted once it closes: no need to wait.
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/**
 * Deletes every note copy of this browser. Edits not yet sent are lost with them: signing
 * out of a shared computer must not leave health data behind.
 */
export async function clearLocalNotes(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const names = new Set(registered());
  try {
    for (const db of await indexedDB.databases()) {
      if (db.name?.startsWith(PREFIX)) names.add(db.name);
    }
  } catch {
    // Not supported: the registry is all we know.
  }
  await Promise.all([...names].map(deleteDatabase));
  try {
    localStorage.removeItem(REGISTRY_KEY);
  } catch {
    // Nothing to do.
  }
}

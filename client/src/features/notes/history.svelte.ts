import * as Y from 'yjs';
import {
  createVersionSchema,
  NOTE_FRAGMENT,
  type NoteAddress,
} from '../../../../shared/src/notes.js';
import type { NoteActivityView, NoteVersionView } from '../../../../shared/src/views.js';
import { errorText } from '../../lib/api.js';
import { coalesce } from '../../lib/coalesce.js';
import { createVersion, decodeState, getActivity, getVersion, listVersions } from './api.js';
import { noteLines } from './note-text.js';

type LoadState = 'loading' | 'ready' | 'error';

/** A version opened read-only: its own Y.Doc, never connected to anything. */
export interface OpenedVersion {
  version: NoteVersionView;
  doc: Y.Doc;
  /** Its plain lines, for the comparison with the live note. */
  lines: string[];
}

/**
 * Each read of the activity is written to the audit log by the server: while people type, the
 * server says every couple of seconds that it wrote their edits down (`note:history`), and the
 * page reads again at most once per this delay (the first at once, the last one never lost).
 */
export const REFRESH_INTERVAL_MS = 4_000;

/** "Dernières modifications" and "Versions" of a note. */
export class NoteHistory {
  activity = $state.raw<NoteActivityView[]>([]);
  activityState = $state<LoadState>('loading');
  activityError = $state<string | null>(null);

  versions = $state.raw<NoteVersionView[]>([]);
  versionsState = $state<LoadState>('loading');
  versionsError = $state<string | null>(null);

  creating = $state(false);
  createError = $state<string | null>(null);

  opened = $state.raw<OpenedVersion | null>(null);
  /** The id of the version being fetched. */
  opening = $state<string | null>(null);
  openError = $state<string | null>(null);

  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The parts said changed since the last read (not state: nothing shows them). */
  #stale: { activity: boolean; versions: boolean } = { activity: false, versions: false };
  #lastRead = 0;
  #destroyed = false;

  constructor(readonly address: NoteAddress) {}

  readonly refreshActivity = coalesce(async () => {
    try {
      const activity = await getActivity(this.address);
      if (this.#destroyed) return;
      this.activity = activity;
      this.activityState = 'ready';
      this.activityError = null;
    } catch (error) {
      this.activityError = errorText(error);
      if (this.activityState === 'loading') this.activityState = 'error';
    }
  });

  readonly refreshVersions = coalesce(async () => {
    try {
      const versions = await listVersions(this.address);
      if (this.#destroyed) return;
      this.versions = versions;
      this.versionsState = 'ready';
      this.versionsError = null;
    } catch (error) {
      this.versionsError = errorText(error);
      if (this.versionsState === 'loading') this.versionsState = 'error';
    }
  });

  /**
   * The server stored new activity rows or a version of this note (`note:history`): read
   * that part again, at once when the last read is old enough, else once the interval is up.
   */
  changed(part: 'activity' | 'versions'): void {
    this.#stale[part] = true;
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastRead + REFRESH_INTERVAL_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastRead = Date.now();
      const stale = this.#stale;
      this.#stale = { activity: false, versions: false };
      if (stale.activity) void this.refreshActivity();
      if (stale.versions) void this.refreshVersions();
    }, wait);
  }

  /** Saves the note as it is on the server under this name; true when done. */
  async create(rawName: string): Promise<boolean> {
    if (this.creating) return false;
    const parsed = createVersionSchema.safeParse({ name: rawName });
    if (!parsed.success) {
      this.createError = parsed.error.issues[0]?.message ?? 'Nom de version invalide.';
      return false;
    }
    this.creating = true;
    this.createError = null;
    try {
      const version = await createVersion(this.address, parsed.data.name);
      this.versions = [version, ...this.versions.filter((v) => v.id !== version.id)];
      this.versionsState = 'ready';
      return true;
    } catch (error) {
      this.createError = errorText(error);
      return false;
    } finally {
      this.creating = false;
    }
  }

  async open(versionId: string): Promise<boolean> {
    this.opening = versionId;
    this.openError = null;
    try {
      const { state, ...version } = await getVersion(this.address, versionId);
      if (this.#destroyed) return false;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, decodeState(state));
      this.close();
      this.opened = { version, doc, lines: noteLines(doc.getXmlFragment(NOTE_FRAGMENT)) };
      return true;
    } catch (error) {
      this.openError = errorText(error);
      return false;
    } finally {
      this.opening = null;
    }
  }

  close(): void {
    this.opened?.doc.destroy();
    this.opened = null;
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#timer);
    this.close();
  }
}

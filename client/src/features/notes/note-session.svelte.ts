import { untrack } from 'svelte';
import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ErrorCode } from '../../../../shared/src/errors.js';
import type { NoteAddress } from '../../../../shared/src/notes.js';
import type { Professional } from '../../../../shared/src/schemas/auth.js';
import { fullName } from '../../lib/format.js';
import type { AppSocket } from '../../lib/socket.svelte.js';
import { localCopyName, registerLocalCopy } from './local-copies.js';
import { colorFor, othersPresent, type PresentUser } from './presence.js';
import { NoteProvider, type NoteSocket, type NoteStatus } from './provider.js';

const SAVING_SHOWN_AFTER_MS = 700;

export interface NoteSessionOptions {
  /** Someone's edit reached the server: ours once stored, or another member's. */
  onEdit?: () => void;
}

/**
 * One note open in this tab: its Yjs document, the browser copy that keeps it across reloads
 * and offline, our awareness (presence and caret), and the provider that syncs it over the
 * app's socket whenever there is one. The provider's state is mirrored into runes.
 */
export class NoteSession {
  status = $state<NoteStatus>('offline');
  /**
   * The state to show: like `status`, except that a save shorter than SAVING_SHOWN_AFTER_MS
   * stays "saved". Every keystroke is a save: the state line (a live region) would otherwise
   * flicker, and screen readers announce each change.
   */
  shownStatus = $state<NoteStatus>('offline');
  readOnly = $state(false);
  error = $state<{ code: ErrorCode | 'network'; message: string } | undefined>();
  /** Synced with the server at least once since the page opened. */
  synced = $state(false);
  /** The browser copy is loaded into the document. */
  localLoaded = $state(false);
  /** The other professionals with this note open now. */
  others = $state.raw<PresentUser[]>([]);
  /** Bumped by every change of the document, local or remote (comparisons read it). */
  revision = $state(0);

  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly user: { id: string; name: string; color: string };

  #persistence: IndexeddbPersistence | null;
  #savingTimer: ReturnType<typeof setTimeout> | undefined;
  #provider: NoteProvider | null = null;

  constructor(
    readonly address: NoteAddress,
    professional: Professional,
    private readonly options: NoteSessionOptions = {},
  ) {
    this.user = {
      id: professional.id,
      name: fullName(professional),
      color: colorFor(professional.id),
    };
    this.awareness.setLocalState({ user: this.user });
    this.awareness.on('change', this.#onAwareness);
    this.doc.on('update', this.#onDocUpdate);

    const name = localCopyName(address);
    registerLocalCopy(name);
    this.#persistence = new IndexeddbPersistence(name, this.doc);
    void this.#persistence.whenSynced.then(() => {
      this.localLoaded = true;
    });
  }

  /**
   * Syncs over this socket until the returned function is called (the socket is replaced
   * at sign-in and gone at sign-out). The provider re-opens the note at every reconnection.
   */
  attach(socket: AppSocket): () => void {
    // Called from an effect: the state read and written while connecting is not its business.
    return untrack(() => this.#attach(socket));
  }

  #attach(socket: AppSocket): () => void {
    // After a previous provider, our awareness state was removed: say we are here again.
    if (this.awareness.getLocalState() === null) this.awareness.setLocalState({ user: this.user });
    const provider = new NoteProvider(
      socket as unknown as NoteSocket,
      this.address,
      this.doc,
      this.awareness,
    );
    this.#provider = provider;
    provider.on('status', this.#onStatus);
    provider.on('synced', this.#onSynced);
    provider.on('remote-update', this.#onRemoteUpdate);
    this.#onStatus();
    return () => {
      provider.destroy();
      if (this.#provider === provider) this.#provider = null;
      this.#show('offline');
    };
  }

  /** Tries again after an error that stopped the sync. */
  retry(): void {
    this.#provider?.join();
  }

  destroy(): void {
    clearTimeout(this.#savingTimer);
    this.#provider?.destroy();
    this.#provider = null;
    this.awareness.off('change', this.#onAwareness);
    this.doc.off('update', this.#onDocUpdate);
    void this.#persistence?.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }

  #onStatus = (): void => {
    const provider = this.#provider;
    if (!provider) return;
    const wasSaving = this.status === 'saving';
    this.#show(provider.status);
    this.readOnly = provider.readOnly;
    this.error = provider.error;
    if (wasSaving && provider.status === 'saved') this.options.onEdit?.();
    if (provider.status === 'unavailable' && provider.error?.code === 'not_found') {
      // No longer a member: the copy of a note one may not read must not stay here.
      void this.#persistence?.clearData();
      this.#persistence = null;
    }
  };

  #show(status: NoteStatus): void {
    this.status = status;
    clearTimeout(this.#savingTimer);
    if (status !== 'saving') {
      this.shownStatus = status;
      return;
    }
    if (this.shownStatus === 'saving') return;
    this.#savingTimer = setTimeout(() => {
      if (this.status === 'saving') this.shownStatus = 'saving';
    }, SAVING_SHOWN_AFTER_MS);
  }

  #onSynced = (): void => {
    this.synced = true;
  };

  #onRemoteUpdate = (): void => {
    this.options.onEdit?.();
  };

  #onDocUpdate = (): void => {
    this.revision += 1;
  };

  #onAwareness = (): void => {
    const others = othersPresent(this.awareness.getStates(), {
      clientId: this.doc.clientID,
      professionalId: this.user.id,
    });
    // Cursor moves change the awareness too: only a change of who is here is worth a render.
    const key = (list: PresentUser[]) => list.map((u) => `${u.id}:${u.name}:${u.color}`).join();
    if (key(others) !== key(this.others)) this.others = others;
  };
}

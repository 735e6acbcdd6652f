import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Observable } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Ack, ErrorCode } from '../../../../shared/src/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../../shared/src/events.js';
import { decodeRelay, encodeRelay, type NoteAddress } from '../../../../shared/src/notes.js';
import type { NoteJoinView } from '../../../../shared/src/views.js';

/** The part of a socket.io client the provider uses (browser and Node tests alike). */
export interface NoteSocket {
  connected: boolean;
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): unknown;
  on(event: 'connect' | 'disconnect', listener: () => void): unknown;
  off(event: string, listener?: (...args: never[]) => void): unknown;
  timeout(ms: number): {
    emit<E extends keyof ClientToServerEvents>(
      event: E,
      ...args: Parameters<ClientToServerEvents[E]> extends [...infer P, (r: infer R) => void]
        ? [...P, (err: Error | null, result: R) => void]
        : never
    ): unknown;
  };
  emit<E extends keyof ClientToServerEvents>(
    event: E,
    ...args: Parameters<ClientToServerEvents[E]>
  ): unknown;
}

export type NoteStatus =
  'connecting' | 'offline' | 'saving' | 'saved' | 'read-only' | 'unavailable';

/** A join unanswered this long is asked again. */
const ACK_TIMEOUT_MS = 15_000;
/**
 * An edit unacknowledged this long: the connection is up, so the server is slow, not gone.
 * The provider keeps sending and re-syncs in the background to make sure nothing is missing.
 */
const UPDATE_ACK_TIMEOUT_MS = 30_000;
const RESYNC_DELAY_MS = 1_000;
/** A server that could not open the note (database down...) is asked again after this. */
const RETRY_JOIN_DELAY_MS = 5_000;
/**
 * Refusals in a row after which the provider stops re-sending: an edit refused for what it is
 * (too large, document full) would otherwise be re-sent by every resync, forever.
 */
const MAX_REFUSALS = 3;
/** Join failures worth another try: the server could not answer, or not yet; not "no". */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'database_unavailable',
  'internal_error',
  'rate_limited',
  'server_busy',
]);

/**
 * Connects a Y.Doc to one note over the app's socket.io, with y-protocols encodings.
 * Every (re)connection re-opens the note with a sync step 1, so edits made offline or left
 * unacknowledged are sent again through the sync itself. A local edit counts as saved only
 * when the server acknowledges it, which it does once the edit is in the database.
 */
export class NoteProvider extends Observable<'status' | 'synced' | 'remote-update'> {
  readonly awareness: awarenessProtocol.Awareness;
  status: NoteStatus = 'connecting';
  synced = false;
  readOnly = false;
  /** The error that stopped the note (not found, too large...), when there is one. */
  error: { code: ErrorCode | 'network'; message: string } | undefined;

  private joined = false;
  private joining = false;
  /** An edit's acknowledgement timed out: saved only once a re-sync has checked. */
  private unconfirmed = false;
  /** Identifies the join in flight: an answer to an older one is ignored. */
  private joinSeq = 0;
  private unacked = 0;
  /** Updates refused in a row (not timeouts); a stored one resets it. */
  private refusals = 0;
  /** Stopped on an error until the next (re)connection or `join()`. */
  private halted = false;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private readonly ownsAwareness: boolean;

  constructor(
    private readonly socket: NoteSocket,
    readonly address: NoteAddress,
    readonly doc: Y.Doc,
    awareness?: awarenessProtocol.Awareness,
  ) {
    super();
    this.awareness = awareness ?? new awarenessProtocol.Awareness(doc);
    this.ownsAwareness = awareness === undefined;
    doc.on('update', this.onLocalUpdate);
    this.awareness.on('update', this.onAwarenessChange);
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('note:update', this.onRemoteUpdate);
    socket.on('note:awareness', this.onRemoteAwareness);
    socket.on('note:closed', this.onClosed);
    socket.on('team:changed', this.onTeamChanged);
    if (socket.connected) this.join();
    else this.setStatus('offline');
  }

  override destroy(): void {
    this.destroyed = true;
    clearTimeout(this.resyncTimer);
    this.doc.off('update', this.onLocalUpdate);
    this.awareness.off('update', this.onAwarenessChange);
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('note:update', this.onRemoteUpdate);
    this.socket.off('note:awareness', this.onRemoteAwareness);
    this.socket.off('note:closed', this.onClosed);
    if (this.joined) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
      this.socket.emit('note:leave', this.address);
    }
    // An Awareness runs a timer: the one created here must go with the provider.
    if (this.ownsAwareness) this.awareness.destroy();
    super.destroy();
  }

  /** Opens (or re-opens) the note: the server answers with its step 2 and step 1. */
  join(): void {
    if (this.joining || this.destroyed) return;
    this.joining = true;
    this.halted = false;
    const seq = ++this.joinSeq;
    // A background re-sync of a joined note keeps showing saving/saved.
    if (!this.joined) this.setStatus('connecting');
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emit(
        'note:join',
        { ...this.address, message: encoding.toUint8Array(encoder) },
        (err, result: Ack<NoteJoinView>) => {
          if (this.destroyed || seq !== this.joinSeq) return;
          this.joining = false;
          if (err) return this.scheduleResync();
          if (!result.ok) {
            this.error = result.error;
            this.halted = true;
            this.setStatus('unavailable');
            if (TRANSIENT_CODES.has(result.error.code)) this.scheduleResync(RETRY_JOIN_DELAY_MS);
            return;
          }
          this.error = undefined;
          this.joined = true;
          this.readOnly = result.data.readOnly;
          const [step2, serverStep1] = result.data.messages;
          if (step2) this.readSync(toBytes(step2));
          if (serverStep1) this.answerStep1(toBytes(serverStep1));
          // What a timed-out edit carried is now either known to the server or sent again.
          this.unconfirmed = false;
          this.synced = true;
          this.emit('synced', [true]);
          this.announce();
          this.refreshStatus();
        },
      );
  }

  /**
   * Tells the others we are here. The clock is moved past the removal the server sent them
   * when our previous socket went (its last known clock + 1): an equal clock would be ignored,
   * and we would stay invisible until the awareness renewal, up to 30 s later.
   */
  private announce(): void {
    const state = this.awareness.getLocalState();
    if (state === null) return;
    const meta = this.awareness.meta.get(this.doc.clientID);
    if (meta) meta.clock += 1;
    // Emits an awareness 'update', which sends our state (joined by now).
    this.awareness.setLocalState(state);
  }

  private readSync(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.doc, this);
  }

  /** What the server lacks (offline edits, unacknowledged ones) goes as one update. */
  private answerStep1(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep1) return;
    const serverVector = decoding.readVarUint8Array(decoder);
    const missing = Y.encodeStateAsUpdate(this.doc, serverVector);
    if (!isEmptyUpdate(missing) && !this.readOnly) this.send(missing);
  }

  private send(update: Uint8Array): void {
    this.unacked += 1;
    this.refreshStatus();
    this.socket
      .timeout(UPDATE_ACK_TIMEOUT_MS)
      .emit(
        'note:update',
        { ...this.address, update: encodeRelay(update) },
        (err, result: Ack<{ stored: true }>) => {
          if (this.destroyed) return;
          this.unacked = Math.max(0, this.unacked - 1);
          if (err) {
            // Slow, not refused: stopping here (as a refusal does) would hold back every edit
            // until a re-join, and a crowd of re-joins is what makes a slow server slower. The
            // re-sync runs alongside and sends whatever the server turns out to lack.
            this.unconfirmed = true;
            if (this.socket.connected) this.scheduleResync();
          } else if (result.ok) {
            this.refusals = 0;
          } else {
            // Too fast is no refusal of the edit itself: it waits in the document, and the
            // re-sync after a pause sends it.
            const tooFast = result.error.code === 'rate_limited';
            if (result.error.code === 'read_only' || result.error.code === 'team_closed') {
              this.readOnly = true;
            } else if (result.error.code !== 'not_joined' && !tooFast) {
              this.error = result.error;
              this.refusals += 1;
            }
            // Not stored: the next sync sends whatever the server still lacks, unless the same
            // content keeps being refused (each attempt would also be another join).
            this.joined = false;
            if (this.refusals >= MAX_REFUSALS) this.halted = true;
            else this.scheduleResync(tooFast ? RETRY_JOIN_DELAY_MS : RESYNC_DELAY_MS);
          }
          this.refreshStatus();
        },
      );
  }

  private scheduleResync(delay = RESYNC_DELAY_MS): void {
    clearTimeout(this.resyncTimer);
    if (this.destroyed || !this.socket.connected || this.readOnly) return;
    this.resyncTimer = setTimeout(() => this.join(), delay);
  }

  private setStatus(status: NoteStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
  }

  private refreshStatus(): void {
    if (!this.socket.connected) return this.setStatus('offline');
    if (this.halted) return this.setStatus('unavailable');
    if (this.readOnly) return this.setStatus('read-only');
    if (!this.joined) return this.setStatus('connecting');
    this.setStatus(this.unacked > 0 || this.unconfirmed ? 'saving' : 'saved');
  }

  private sendAwareness(clients: number[]): void {
    if (!this.joined) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
    this.socket.emit('note:awareness', { ...this.address, update: encodeRelay(update) });
  }

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || origin === 'remote') return;
    // Offline or refused: kept in the Y.Doc (and in IndexedDB in the browser) until the next sync.
    if (this.joined && !this.readOnly && this.socket.connected) this.send(update);
  };

  private readonly onAwarenessChange = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === 'remote') return;
    // Only our own state: the server stamps what we send with our name, and the awareness
    // also reports remote states it timed out locally, which are not ours to broadcast.
    const id = this.doc.clientID;
    if ([...added, ...updated, ...removed].includes(id)) this.sendAwareness([id]);
  };

  private readonly onRemoteUpdate: ServerToClientEvents['note:update'] = (payload) => {
    if (!this.isMine(payload)) return;
    Y.applyUpdate(this.doc, decodeRelay(payload.update), 'remote');
    this.emit('remote-update', [payload.author]);
  };

  private readonly onRemoteAwareness: ServerToClientEvents['note:awareness'] = (payload) => {
    if (!this.isMine(payload)) return;
    // The server sends a newcomer the states it holds; nobody needs to answer arrivals (with
    // N clients that would be N² messages per arrival).
    awarenessProtocol.applyAwarenessUpdate(this.awareness, decodeRelay(payload.update), 'remote');
  };

  private readonly onClosed: ServerToClientEvents['note:closed'] = (payload) => {
    if (!this.isMine(payload)) return;
    this.joined = false;
    if (payload.reason === 'not_found') {
      this.error = { code: 'not_found', message: 'Vous n’avez plus accès à ces notes.' };
      this.halted = true;
      clearTimeout(this.resyncTimer);
      this.setStatus('unavailable');
      return;
    }
    this.readOnly = true;
    // Re-open read-only, to keep receiving what is shown.
    this.join();
  };

  /** A new consent can make a read-only note writable again: ask the server. */
  private readonly onTeamChanged: ServerToClientEvents['team:changed'] = (payload) => {
    if (payload.teamId !== this.address.teamId || !this.readOnly || payload.status === 'closed')
      return;
    this.join();
  };

  private readonly onConnect = (): void => this.join();

  private readonly onDisconnect = (): void => {
    this.joined = false;
    this.joining = false;
    this.joinSeq += 1;
    this.unacked = 0;
    this.unconfirmed = false;
    clearTimeout(this.resyncTimer);
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, 'remote');
    // removeAwarenessStates records a higher clock for them: their states, sent again with
    // the same clock after we reconnect, would be ignored. Forget their clocks instead.
    for (const id of others) this.awareness.meta.delete(id);
    this.setStatus('offline');
  };

  private isMine(a: NoteAddress): boolean {
    return a.teamId === this.address.teamId && a.doc === this.address.doc;
  }
}

/** socket.io delivers binary as ArrayBuffer in browsers and Buffer in Node. */
export function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** An update with no struct and no deletion (what encodeStateAsUpdate gives when nothing is missing). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength <= 2 && update.every((b) => b === 0);
}

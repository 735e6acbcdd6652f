import {
  CHAT_LIMITS,
  type MessageView,
  type ReadReceiptView,
} from '../../../../shared/src/chat.js';
import { errorMessage, type Ack } from '../../../../shared/src/errors.js';
import { ApiError, errorText } from '../../lib/api.js';
import type { AppSocket } from '../../lib/socket.svelte.js';
import { runAll, Upload } from '../documents/uploads.svelte.js';
import { getMessages, getReads } from './api.js';
import { compareIds, mergeMessages, mergeRead, newClientId } from './timeline.js';

/** A message of mine not acknowledged yet (sending), or refused / timed out (failed). */
export interface PendingMessage {
  clientId: string;
  text: string;
  mentions: string[];
  createdAt: string;
  state: 'sending' | 'failed';
  error?: string | undefined;
  /** False when the server refused this text for good (too long, team closed...). */
  retryable: boolean;
  /** Files sent first, one by one with their progress; the message follows with their ids. */
  uploads: Upload[];
}

const uploaded = (p: PendingMessage) => p.uploads.every((u) => u.state === 'done');

/** Now, as the server writes times (a plain value, not reactive state). */
const nowIso = () => new Date().toISOString();

export type LoadState = 'loading' | 'ready' | 'not_found' | 'error';

// Longer than a slow database write, short enough for the author to see a failure and retry.
const ACK_TIMEOUT_MS = 15_000;
// Codes after which the same message will never be accepted: no automatic resend.
const FINAL = new Set([
  'message_empty',
  'message_too_long',
  'invalid_message',
  'team_closed',
  'read_only',
  'not_found',
  'attachment_invalid',
]);

/**
 * One team's conversation on its page: history, live messages, my pending sends, read
 * positions. Messages are merged by id (a message may come from the acknowledgement, the live
 * event and a catch-up page: it is shown once, in server order). After each (re)connection the
 * page fetches what came after the newest message it has, then re-sends what is still pending
 * with the same client ids, so nothing is lost and nothing is doubled.
 */
export class ChatSession {
  messages = $state.raw<MessageView[]>([]);
  pending = $state<PendingMessage[]>([]);
  reads = $state.raw<ReadReceiptView[]>([]);
  state = $state<LoadState>('loading');
  loadError = $state<string | null>(null);
  olderCursor = $state<string | null>(null);
  loadingOlder = $state(false);
  /** Read by screen readers: the newest messages of others, as they arrive. */
  announcement = $state('');

  #socket: AppSocket | null = null;
  #catchingUp = false;
  #destroyed = false;

  constructor(
    readonly teamId: string,
    readonly meId: string,
  ) {}

  get newestId(): string | undefined {
    return this.messages.at(-1)?.id;
  }

  async load(): Promise<void> {
    try {
      const [page, reads] = await Promise.all([getMessages(this.teamId), getReads(this.teamId)]);
      this.messages = mergeMessages(this.messages, page.messages);
      this.olderCursor = page.nextCursor;
      this.reads = reads.reduce(mergeRead, this.reads);
      this.state = 'ready';
      this.loadError = null;
    } catch (error) {
      this.#failLoad(error);
    }
  }

  async loadOlder(): Promise<void> {
    if (!this.olderCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const page = await getMessages(this.teamId, { before: this.olderCursor });
      this.messages = mergeMessages(this.messages, page.messages);
      this.olderCursor = page.nextCursor;
    } catch (error) {
      this.loadError = errorText(error);
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Follows a socket (replaced at sign-in); returns the detach function. */
  attach(socket: AppSocket): () => void {
    this.#socket = socket;
    const onMessage = (m: MessageView) => this.receive(m);
    const onRead = (r: ReadReceiptView) => {
      if (r.teamId === this.teamId) this.reads = mergeRead(this.reads, r);
    };
    const onConnect = () => void this.reconnected();
    socket.on('chat:message', onMessage);
    socket.on('chat:read', onRead);
    socket.on('connect', onConnect);
    return () => {
      socket.off('chat:message', onMessage);
      socket.off('chat:read', onRead);
      socket.off('connect', onConnect);
      if (this.#socket === socket) this.#socket = null;
    };
  }

  destroy(): void {
    this.#destroyed = true;
  }

  receive(m: MessageView): void {
    if (m.teamId !== this.teamId) return;
    const before = this.messages;
    this.messages = mergeMessages(this.messages, [m]);
    // The author has read up to their own message (the server records it without an event).
    this.reads = mergeRead(this.reads, {
      teamId: m.teamId,
      professionalId: m.author.id,
      messageId: m.id,
      at: m.createdAt,
    });
    this.pending = this.pending.filter(
      (p) => !(m.author.id === this.meId && p.clientId === m.clientId),
    );
    if (this.messages !== before && m.author.id !== this.meId) {
      this.announcement = `Nouveau message de ${m.author.firstName} ${m.author.lastName}.`;
    }
  }

  /** Back online: fetch what was missed (every page of it), then re-send what is pending. */
  async reconnected(): Promise<void> {
    if (this.#catchingUp || this.#destroyed) return;
    this.#catchingUp = true;
    try {
      if (this.state !== 'ready') {
        await this.load();
      } else {
        let after = this.newestId;
        while (after) {
          const page = await getMessages(this.teamId, { after }, CHAT_LIMITS.pageMax);
          this.messages = mergeMessages(this.messages, page.messages);
          after = page.nextCursor ?? undefined;
        }
        this.reads = (await getReads(this.teamId)).reduce(mergeRead, this.reads);
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') this.state = 'not_found';
    } finally {
      this.#catchingUp = false;
    }
    for (const p of this.pending) if (p.state === 'sending' && uploaded(p)) this.#emit(p);
  }

  send(text: string, mentions: string[], files: File[] = []): void {
    const p: PendingMessage = {
      clientId: newClientId(),
      text,
      mentions,
      createdAt: nowIso(),
      state: 'sending',
      retryable: true,
      uploads: files.map((f) => new Upload(f)),
    };
    this.pending = [...this.pending, p];
    void this.#deliver(p.clientId);
  }

  retry(clientId: string): void {
    if (!this.pending.some((x) => x.clientId === clientId)) return;
    this.#update(clientId, { state: 'sending', error: undefined });
    void this.#deliver(clientId);
  }

  /** A removed document: the messages that attached it say so ("pièce jointe retirée"). */
  attachmentRemoved(documentId: string): void {
    this.messages = this.messages.map((m) =>
      m.attachments.some((a) => a.id === documentId && a.document)
        ? {
            ...m,
            attachments: m.attachments.map((a) =>
              a.id === documentId ? { id: a.id, document: null } : a,
            ),
          }
        : m,
    );
  }

  /** Files first (what is already sent is not sent again), then the message with their ids. */
  async #deliver(clientId: string): Promise<void> {
    const p = this.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    if (!uploaded(p)) {
      await runAll(this.teamId, p.uploads);
      if (!uploaded(p)) {
        const failed = p.uploads.filter((u) => u.state === 'failed');
        this.#update(clientId, {
          state: 'failed',
          error: failed[0]?.error ?? 'Un fichier n’a pas pu être envoyé.',
          retryable: failed.every((u) => u.retryable),
        });
        return;
      }
    }
    const current = this.pending.find((x) => x.clientId === clientId);
    if (current) this.#emit(current);
  }

  discard(clientId: string): void {
    for (const u of this.pending.find((p) => p.clientId === clientId)?.uploads ?? []) u.cancel();
    this.pending = this.pending.filter((p) => p.clientId !== clientId);
  }

  /** Marks read up to the newest message, when it is newer than my position. */
  markRead(): void {
    const newest = this.newestId;
    const mine = this.reads.find((r) => r.professionalId === this.meId)?.messageId;
    if (!newest || !this.#socket?.connected || (mine && compareIds(mine, newest) >= 0)) return;
    // Optimistic: a burst of messages asks once; the server's answer (or event) confirms.
    this.reads = mergeRead(this.reads, {
      teamId: this.teamId,
      professionalId: this.meId,
      messageId: newest,
      at: nowIso(),
    });
    this.#socket.emit('chat:read', { teamId: this.teamId, messageId: newest }, (ack) => {
      if (ack.ok) this.reads = mergeRead(this.reads, ack.data);
    });
  }

  #emit(p: PendingMessage): void {
    const socket = this.#socket;
    // Offline: stays "sending"; the next connection re-sends it.
    if (!socket?.connected) return;
    const payload = {
      teamId: this.teamId,
      clientId: p.clientId,
      text: p.text,
      mentions: p.mentions,
      attachments: p.uploads.map((u) => u.document!.id),
    };
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emit('chat:send', payload, (err: Error | null, ack: Ack<MessageView>) => {
        if (err) {
          // No answer: maybe stored, maybe not. A retry with the same id cannot double it.
          this.#update(p.clientId, {
            state: 'failed',
            error: 'Pas de réponse du serveur.',
            retryable: true,
          });
          return;
        }
        if (ack.ok) {
          this.receive(ack.data);
          return;
        }
        this.#update(p.clientId, {
          state: 'failed',
          error: ack.error.message || errorMessage(ack.error.code),
          retryable: !FINAL.has(ack.error.code),
        });
      });
  }

  #update(clientId: string, patch: Partial<PendingMessage>): void {
    this.pending = this.pending.map((p) => (p.clientId === clientId ? { ...p, ...patch } : p));
  }

  #failLoad(error: unknown): void {
    if (
      error instanceof ApiError &&
      (error.code === 'not_found' || error.code === 'validation_failed')
    ) {
      this.state = 'not_found';
      return;
    }
    this.loadError = errorText(error);
    if (this.state === 'loading') this.state = 'error';
  }
}

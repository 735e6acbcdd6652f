import { randomBytes } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { safeError, type Logger } from '../logger.js';
import type { RedisLink } from '../realtime/redis.js';

/** What one instance says to the others about a note it holds. */
export type BusMessage =
  /** An edit applied on the sender: apply it to your copy and relay it to your sockets. */
  | { kind: 'update'; update: Uint8Array; author: { id: string; name: string } }
  /** Awareness (cursors, presence) of the sender's sockets, already stamped by the sender. */
  | { kind: 'awareness'; update: Uint8Array }
  /** The sender (re)loaded the note: send it, as updates, what this state vector lacks. */
  | { kind: 'sync'; stateVector: Uint8Array };

export interface NoteBus {
  /** True when messages reach the other instances (false: single instance, or Redis away). */
  readonly linked: boolean;
  publish(docId: string, message: BusMessage): void;
  /** The handler of messages from the other instances (one per app). */
  onMessage(handler: (docId: string, message: BusMessage) => void): void;
  close(): Promise<void>;
}

/** One instance alone: nothing to say, nobody to hear. */
export const localBus: NoteBus = {
  linked: false,
  publish: () => undefined,
  onMessage: () => undefined,
  close: () => Promise.resolve(),
};

/** On the wire: JSON with the bytes in base64 and the sender's id (`f`), to ignore one's own. */
interface Wire {
  k: BusMessage['kind'];
  f: string;
  d: string;
  a?: { id: string; name: string };
}

/**
 * Notes between instances over Redis pub/sub, one channel per note (docs/notes.md, "Several
 * instances"). It carries the traffic only: every acknowledged edit is in MongoDB, and what
 * pub/sub drops while Redis is away is re-read from there when it is back. Each instance
 * listens to every note's channel with one pattern subscription, which the Redis client
 * restores by itself after a reconnection, and keeps what concerns the notes it holds: simple
 * and sturdy for a handful of instances; with many, channels would be subscribed per note.
 * An instance ignores its own messages.
 */
export class RedisNoteBus implements NoteBus {
  private readonly id = randomBytes(6).toString('hex');
  private handler: (docId: string, message: BusMessage) => void = () => undefined;

  private constructor(
    private readonly link: RedisLink,
    private readonly pub: RedisClientType,
    private readonly sub: RedisClientType,
    readonly channelPrefix: string,
    private readonly logger: Logger,
  ) {}

  static async connect(link: RedisLink, prefix: string, logger: Logger): Promise<RedisNoteBus> {
    const pub = await link.client('notes-pub');
    const sub = await link.client('notes-sub');
    const bus = new RedisNoteBus(link, pub, sub, `${prefix}:note:`, logger);
    await sub.pSubscribe(`${bus.channelPrefix}*`, (raw, channel) =>
      bus.receive(channel.slice(bus.channelPrefix.length), raw),
    );
    return bus;
  }

  get linked(): boolean {
    return this.link.state === 'up';
  }

  onMessage(handler: (docId: string, message: BusMessage) => void): void {
    this.handler = handler;
  }

  publish(docId: string, message: BusMessage): void {
    if (!this.linked) return;
    const bytes = message.kind === 'sync' ? message.stateVector : message.update;
    const wire: Wire = { k: message.kind, f: this.id, d: Buffer.from(bytes).toString('base64') };
    if (message.kind === 'update') wire.a = message.author;
    const raw = JSON.stringify(wire);
    this.pub
      .publish(`${this.channelPrefix}${docId}`, raw)
      .catch((err: unknown) => this.logger.debug({ err: safeError(err) }, 'note publish dropped'));
  }

  async close(): Promise<void> {
    await this.sub.pUnsubscribe().catch(() => undefined);
  }

  receive(docId: string, raw: string): void {
    let wire: Wire;
    try {
      wire = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    if (wire.f === this.id || typeof wire.d !== 'string') return;
    const bytes = new Uint8Array(Buffer.from(wire.d, 'base64'));
    let message: BusMessage;
    if (wire.k === 'sync') message = { kind: 'sync', stateVector: bytes };
    else if (wire.k === 'awareness') message = { kind: 'awareness', update: bytes };
    else if (wire.k === 'update')
      message = { kind: 'update', update: bytes, author: wire.a ?? { id: '', name: '' } };
    else return;
    try {
      this.handler(docId, message);
    } catch (err) {
      this.logger.error({ err: safeError(err), docId }, 'note bus message failed');
    }
  }
}

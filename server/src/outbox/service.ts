import { Types, type Model } from 'mongoose';
import { exclusive, type Session } from '../db/transaction.js';
import { safeError, type Logger } from '../logger.js';
import type { MessageOf, OutboxKind, OutboxMessage } from './messages.js';
import type { OutboxDoc } from './model.js';

/** Handles one message; `key` is unique per message, for handlers that must act only once. */
type Handler<K extends OutboxKind> = (message: MessageOf<K>, key: string) => Promise<void> | void;

/** How long the instance that wrote an entry has to dispatch it before a sweep takes over. */
const LEASE_MS = 15_000;
const SWEEP_EVERY_MS = 5_000;
/** An entry that failed this often is given up (logged): a broken handler must not spin forever. */
const MAX_ATTEMPTS = 20;

/**
 * The transactional outbox (docs/architecture.md, "Outbox"). A command writes its side effects
 * here in its own transaction; after the commit the same instance dispatches them and deletes
 * the entry. If it dies in between, the entry outlives it: the next start-up, or any instance's
 * periodic sweep once the lease ran out, dispatches it. Delivery is therefore at least once;
 * the handlers are idempotent where it matters (notifications carry a key per message, room
 * joins and leaves are idempotent, live events only make clients refetch).
 */
export class Outbox {
  private readonly handlers = new Map<OutboxKind, Handler<never>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly deps: { Entry: Model<OutboxDoc>; logger: Logger; now: () => Date },
  ) {}

  /** Registers the handler of a kind of message (once per kind, at start-up). */
  on<K extends OutboxKind>(kind: K, handler: Handler<K>): void {
    this.handlers.set(kind, handler as unknown as Handler<never>);
  }

  /** Writes messages in the caller's transaction; returns the entry id, or none. */
  async write(messages: OutboxMessage[], session: Session): Promise<Types.ObjectId | undefined> {
    if (messages.length === 0) return undefined;
    const now = this.deps.now();
    const _id = new Types.ObjectId();
    await this.deps.Entry.insertMany(
      [{ _id, messages, createdAt: now, leaseUntil: new Date(now.getTime() + LEASE_MS) }],
      { session },
    );
    return _id;
  }

  /** After the commit: dispatches the entry this instance wrote, then deletes it. */
  async dispatch(id: Types.ObjectId | undefined): Promise<void> {
    if (!id) return;
    try {
      const entry = await this.deps.Entry.findById(id).lean<OutboxDoc>();
      // Gone: a sweep on another instance already delivered it.
      if (entry) await this.deliver(entry);
    } catch (err) {
      // Committed all the same: the entry stays, and a sweep delivers it.
      this.deps.logger.error({ err: safeError(err), entry: String(id) }, 'outbox dispatch failed');
    }
  }

  /**
   * Delivers what is left over. At start-up, every entry (`all`): those of a process that died
   * since; afterwards, only those whose lease ran out. Each is claimed by a compare-and-set on
   * its lease first, so two instances sweeping at once do not both deliver it.
   */
  sweep(opts: { all?: boolean } = {}): Promise<void> {
    return (this.sweeping ??= this.sweepOnce(opts.all ?? false).finally(() => {
      this.sweeping = undefined;
    }));
  }

  /** Sweeps now and then every few seconds, until `close`. */
  async start(): Promise<void> {
    await this.sweep({ all: true });
    const tick = () => {
      if (this.closed) return;
      this.sweep()
        .catch((err: unknown) =>
          this.deps.logger.error({ err: safeError(err) }, 'outbox sweep failed'),
        )
        .finally(() => {
          if (!this.closed) this.sweepTimer = setTimeout(tick, SWEEP_EVERY_MS).unref();
        });
    };
    this.sweepTimer = setTimeout(tick, SWEEP_EVERY_MS).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweepTimer);
    await this.sweeping?.catch(() => undefined);
  }

  private async sweepOnce(all: boolean): Promise<void> {
    const now = this.deps.now();
    const filter = all ? {} : { leaseUntil: { $lte: now } };
    const due = await this.deps.Entry.find(filter)
      .sort({ createdAt: 1 })
      .limit(200)
      .lean<OutboxDoc[]>();
    for (const entry of due) {
      if (this.closed) return;
      const claimed = await exclusive(this.deps.Entry.db, () =>
        this.deps.Entry.findOneAndUpdate(
          { _id: entry._id, leaseUntil: entry.leaseUntil },
          { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS) }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        ).lean<OutboxDoc>(),
      );
      if (claimed) await this.deliver(claimed);
    }
  }

  /**
   * Runs every message's handler in order. A failing handler is logged (ids only) and the
   * entry stays for the next sweep; the others still run, so one broken e-mail does not keep
   * members from seeing a change live.
   */
  private async deliver(entry: OutboxDoc): Promise<void> {
    let failed = false;
    for (const [i, message] of entry.messages.entries()) {
      const handler = this.handlers.get(message.kind) as Handler<typeof message.kind> | undefined;
      try {
        if (!handler) throw new Error(`no outbox handler for ${message.kind}`);
        await (handler as (m: OutboxMessage, key: string) => Promise<void> | void)(
          message,
          `outbox:${String(entry._id)}:${i}`,
        );
      } catch (err) {
        failed = true;
        this.deps.logger.error(
          { err: safeError(err), kind: message.kind, entry: String(entry._id) },
          'outbox message failed',
        );
      }
    }
    if (failed && entry.attempts < MAX_ATTEMPTS) return;
    if (failed) this.deps.logger.error({ entry: String(entry._id) }, 'outbox entry given up');
    // Commands insert entries in their transactions: a plain write takes its turn with them.
    await exclusive(this.deps.Entry.db, () => this.deps.Entry.deleteOne({ _id: entry._id }));
  }
}

import { safeError, type Logger } from '../logger.js';

export interface BackgroundQueueOptions<T> {
  /** Names the queue in logs ("e-mail", "push"). */
  name: string;
  /** Beyond this many items waiting (the far side down), new ones are dropped. */
  max: number;
  /** Shutdown waits this long for queued items, then drops the rest. */
  closeWaitMs: number;
  /** Sends one item; a throw is logged and the queue goes on. */
  work: (item: T) => Promise<void>;
  /** What may be logged about an item: its kind, never an address, an endpoint or content. */
  describe: (item: T) => Record<string, unknown>;
  logger: Logger;
}

/**
 * Work done after the write that caused it, one item at a time, in order, in memory: the
 * writer never waits for the far side (SMTP, a push service) and never fails because of it.
 * What a crash loses is not retried: the in-app notification, which is stored, stays
 * (docs/notifications.md).
 */
export class BackgroundQueue<T> {
  private readonly items: T[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: BackgroundQueueOptions<T>) {}

  push(item: T): void {
    if (this.closed) return;
    if (this.items.length >= this.opts.max) {
      this.opts.logger.warn(this.opts.describe(item), `${this.opts.name} dropped: queue full`);
      return;
    }
    this.items.push(item);
    this.running ??= this.drain();
  }

  /** Resolves once every queued item was sent or given up. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking items and waits a little for the queued ones (bounded: shutdown goes on). */
  async close(): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.opts.closeWaitMs);
    });
    await Promise.race([this.idle(), waited]);
    clearTimeout(timer);
    const dropped = this.items.splice(0).length;
    if (dropped > 0) this.opts.logger.warn({ dropped }, `${this.opts.name} dropped at shutdown`);
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.items.shift(); next !== undefined; next = this.items.shift()) {
        const item = next;
        await this.opts.work(item).catch((err: unknown) => {
          this.opts.logger.error(
            { err: safeError(err), ...this.opts.describe(item) },
            `${this.opts.name} failed`,
          );
        });
      }
    } finally {
      this.running = undefined;
    }
  }
}

import type { Connection } from 'mongoose';
import { assertOutsideTransaction, detached, exclusive } from './transaction.js';

/**
 * Group commit: items that arrive while a batch is being written go out together in the next
 * batch, so the number of database round trips follows the write latency, not the number of
 * callers. Each caller is settled only once its own item is written (or failed): nothing is
 * acknowledged before it is stored. Batches are written one after the other, in arrival order.
 *
 * The writer gets the batch and answers one result per item, an `Error` in place of a result
 * failing that item alone; a thrown error fails the whole batch.
 */
export class GroupCommit<T, R = void> {
  private pending: { item: T; resolve(result: R): void; reject(err: unknown): void }[] = [];
  private writing: Promise<void> | undefined;

  /**
   * `opts.sharedWith`: the connection, when transactions also write the collections this
   * writes; each batch then takes its turn with them where the engine needs it (`exclusive`).
   * `opts.lingerMs`: an idle writer waits that long before taking its first batch, so that
   * items arriving a few at a time (one typist's keystrokes) share a write too; it delays each
   * caller's settlement by at most that, and never what the item is (docs/notes.md).
   */
  constructor(
    private readonly write: (batch: T[]) => Promise<(R | Error)[]>,
    private readonly opts: { sharedWith?: Connection; lingerMs?: number } = {},
  ) {}

  push(item: T): Promise<R> {
    if (this.opts.sharedWith) assertOutsideTransaction(this.opts.sharedWith);
    const settled = new Promise<R>((resolve, reject) =>
      this.pending.push({ item, resolve, reject }),
    );
    this.writing ??= detached(() => this.drain());
    return settled;
  }

  /** Settles once every item queued so far is written or failed. */
  async flush(): Promise<void> {
    await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      const linger = this.opts.lingerMs ?? 0;
      if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        let results: (R | Error)[];
        try {
          const items = batch.map((b) => b.item);
          const conn = this.opts.sharedWith;
          results = await (conn ? exclusive(conn, () => this.write(items)) : this.write(items));
        } catch (err) {
          for (const b of batch) b.reject(err);
          continue;
        }
        batch.forEach((b, i) => {
          const result = results[i];
          if (result instanceof Error) b.reject(result);
          else b.resolve(result as R);
        });
      }
    } finally {
      // Never leave the queue without a writer (a later item would wait forever).
      this.writing = undefined;
    }
  }
}

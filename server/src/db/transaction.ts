import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientSession, Connection } from 'mongoose';
import { traitsOf } from './engine.js';

export type Session = ClientSession;

/** Per connection, the tail of the queue of transactions (stand-in only, see `transaction`). */
const queues = new WeakMap<Connection, Promise<unknown>>();
/** Set while queued work runs: what it starts from there would wait for itself. */
const inQueue = new AsyncLocalStorage<Connection>();

/**
 * Runs `work` in one MongoDB multi-document transaction and returns its result once committed.
 * Snapshot reads, majority writes; transient errors (a write conflict with a concurrent
 * transaction, a lost commit answer) are retried by the driver, which calls `work` again from
 * the start: `work` must only write through `session` and keep no state between attempts.
 *
 * On the stand-in, which cannot run transactions concurrently, they are queued one at a time
 * within the process (docs/database.md); a real MongoDB runs them side by side.
 */
export function transaction<T>(
  conn: Connection,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  if (!traitsOf(conn).serialTransactions) return run(conn, work);
  return queued(conn, () => run(conn, work));
}

/**
 * Runs plain writes (outside any transaction) to collections that transactions also write.
 * On a real MongoDB it just runs them. On the stand-in, a plain write that lands while a
 * transaction on the same collection commits may vanish (docs/database.md), so such writes
 * take their turn in the transactions' queue.
 */
export function exclusive<T>(conn: Connection, work: () => Promise<T>): Promise<T> {
  if (!traitsOf(conn).serialTransactions) return work();
  return queued(conn, work);
}

function queued<T>(conn: Connection, work: () => Promise<T>): Promise<T> {
  if (inQueue.getStore() === conn) {
    // A deadlock on the stand-in only: say so rather than hang.
    return Promise.reject(new Error('a transaction started from inside another one'));
  }
  const previous = queues.get(conn) ?? Promise.resolve();
  const result = previous.then(() => inQueue.run(conn, work));
  const tail = result.catch(() => undefined);
  queues.set(conn, tail);
  void tail.then(() => {
    if (queues.get(conn) === tail) queues.delete(conn);
  });
  return result;
}

/**
 * Fails at once if called from inside queued work on this connection: a plain write queued
 * there would wait for the transaction that waits for it (the stand-in only; on MongoDB the
 * write would simply not be part of the transaction, which is a bug of its own).
 */
export function assertOutsideTransaction(conn: Connection): void {
  if (inQueue.getStore() === conn)
    throw new Error('a plain write was queued from inside a transaction');
}

/** Runs `work` detached from any queued work it was started from (a background writer). */
export function detached<T>(work: () => T): T {
  return inQueue.exit(work);
}

async function run<T>(conn: Connection, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await conn.startSession();
  try {
    let result: T | undefined;
    await session.withTransaction(
      async () => {
        result = await work(session);
      },
      {
        readConcern: { level: 'snapshot' },
        writeConcern: { w: 'majority' },
        readPreference: 'primary',
      },
    );
    return result as T;
  } finally {
    await session.endSession();
  }
}

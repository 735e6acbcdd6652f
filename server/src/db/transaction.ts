import type { ClientSession, Connection } from 'mongoose';
import { traitsOf } from './engine.js';

export type Session = ClientSession;

/** Per connection, the tail of the queue of transactions (stand-in only, see `transaction`). */
const queues = new WeakMap<Connection, Promise<unknown>>();

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
  const previous = queues.get(conn) ?? Promise.resolve();
  const result = previous.then(() => run(conn, work));
  const tail = result.catch(() => undefined);
  queues.set(conn, tail);
  void tail.then(() => {
    if (queues.get(conn) === tail) queues.delete(conn);
  });
  return result;
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

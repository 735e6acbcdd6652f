import mongoose, { type Connection } from 'mongoose';
import { probeEngine, rememberTraits } from './engine.js';

/**
 * Opens a mongoose connection owned by the caller (no global mongoose connection), after asking
 * the server what it is (db/engine.ts), so that this module alone adapts to a stand-in.
 * autoCreate/autoIndex are off: collections and indexes are created explicitly with
 * `createIndexes` at start-up, which every engine we run on supports (docs/database.md).
 */
export async function openConnection(
  uri: string,
  // monitorCommands: the benchmarks count the commands the app sends (bench/lib/db-stats.ts).
  opts: { dbName?: string | undefined; monitorCommands?: boolean } = {},
): Promise<Connection> {
  const traits = await probeEngine(uri);
  const conn = mongoose.createConnection(uri, {
    autoCreate: false,
    autoIndex: false,
    serverSelectionTimeoutMS: 10_000,
    // The stand-in does not answer the driver's streaming heartbeats, which makes the
    // connection flap between connected and disconnected; polling heartbeats work with it.
    ...(traits.pollHeartbeats ? { serverMonitoringMode: 'poll' as const } : {}),
    ...(opts.dbName ? { dbName: opts.dbName } : {}),
    ...(opts.monitorCommands ? { monitorCommands: true } : {}),
  });
  await conn.asPromise();
  rememberTraits(conn, traits);
  return conn;
}

/** Creates the indexes every model declares; unique indexes are what makes sign-up race-safe. */
export async function ensureIndexes(conn: Connection): Promise<void> {
  for (const model of Object.values(conn.models)) {
    await model.createIndexes();
  }
}

/** Asks the database itself (a ping), rather than trusting the driver's last heartbeat. */
export async function pingDatabase(conn: Connection, timeoutMs = 2000): Promise<boolean> {
  const db = conn.db;
  if (!db) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.command({ ping: 1 }).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

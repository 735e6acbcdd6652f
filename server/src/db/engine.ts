import mongoose, { type Connection } from 'mongoose';

/**
 * What the database behind a connection can be trusted with. Asked of the server itself
 * (`buildInfo`), so the answer holds however the address was given (MONGODB_URI, the embedded
 * mongod, the stand-in). Nothing outside `server/src/db/` reads these traits: features write
 * for a real MongoDB replica set, and this module adapts (docs/database.md).
 */
export interface EngineTraits {
  /** What the server says it is, for logs and /api/ready. */
  name: 'mongodb' | 'jongodb';
  version: string;
  /**
   * The stand-in runs transactions correctly one at a time but drops connections when several
   * touching the same key overlap: `transaction()` then queues them within the process.
   */
  serialTransactions: boolean;
  /** The stand-in does not answer the driver's streaming heartbeats: poll instead. */
  pollHeartbeats: boolean;
}

const REAL: Omit<EngineTraits, 'version'> = {
  name: 'mongodb',
  serialTransactions: false,
  pollHeartbeats: false,
};
const STAND_IN: Omit<EngineTraits, 'version'> = {
  name: 'jongodb',
  serialTransactions: true,
  pollHeartbeats: true,
};

const traitsByConnection = new WeakMap<Connection, EngineTraits>();

/** Asks a server what it is, on a short-lived client of its own. */
export async function probeEngine(uri: string): Promise<EngineTraits> {
  // Polling heartbeats: the probe must work on the stand-in before we know it is one.
  const client = new mongoose.mongo.MongoClient(uri, {
    serverSelectionTimeoutMS: 10_000,
    serverMonitoringMode: 'poll',
  });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    const version = String(info.version ?? '');
    const standIn = /jongodb/i.test(version) || /jongodb/i.test(String(info.gitVersion ?? ''));
    return { ...(standIn ? STAND_IN : REAL), version };
  } finally {
    await client.close();
  }
}

export function rememberTraits(conn: Connection, traits: EngineTraits): void {
  traitsByConnection.set(conn, traits);
}

/** The traits of a connection opened by `openConnection`; a real MongoDB's otherwise. */
export function traitsOf(conn: Connection): EngineTraits {
  return traitsByConnection.get(conn) ?? { ...REAL, version: 'unknown' };
}

/** One line for the start-up log: the engine, and what this module does about its gaps. */
export function describeEngine(conn: Connection): Record<string, unknown> {
  const t = traitsOf(conn);
  return {
    server: `${t.name} ${t.version}`,
    transactions: t.serialTransactions
      ? 'queued one at a time in this process (the stand-in cannot run them concurrently)'
      : 'concurrent (MongoDB retries conflicting ones)',
  };
}

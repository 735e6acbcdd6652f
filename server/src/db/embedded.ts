import type { Logger } from '../logger.js';
import { startJongodb } from './jongodb.js';
import { findOrDownloadMongod, startMongod, type FoundMongod } from './mongod.js';

/**
 * The ONE place that decides which MongoDB the app talks to (docs/database.md):
 *   1. MONGODB_URI, when set: a real MongoDB (production, or `MONGODB_URI=... npm test`);
 *   2. else a real mongod through mongodb-memory-server: MONGOMS_SYSTEM_BINARY, or one in that
 *      library's download cache, or one it downloads now (when `download` is on and the
 *      download host answers within seconds);
 *   3. else jongodb, a MongoDB-compatible stand-in shipped as an npm binary: in memory only,
 *      with known gaps. The app is written so as not to rely on any of those gaps.
 * `engine` narrows the choice to one embedded engine (EMBEDDED_MONGO_ENGINE).
 *
 * Both embedded engines are development dependencies, loaded only here and only when
 * MONGODB_URI is absent: the production image does not have them.
 */
export type Engine = 'mongodb' | 'mongodb-memory-server' | 'jongodb';

/** EMBEDDED_MONGO_ENGINE: `auto` tries a real mongod first, then the stand-in. */
export type EmbeddedChoice = 'auto' | 'mongod' | 'jongodb';

export interface DatabaseServer {
  uri: string;
  engine: Engine;
  /** True when data survives a restart. */
  durable: boolean;
  stop(): Promise<void>;
}

export interface SelectOptions {
  uri?: string | undefined;
  /** Keep the embedded mongod's files here (npm start); in a temporary folder when absent. */
  dataDir?: string | undefined;
  /** Which embedded engine may run; `auto` when absent. */
  engine?: EmbeddedChoice | undefined;
  /** May a mongod be downloaded when none is on the machine? Off when absent (tests, benches). */
  download?: boolean | undefined;
  logger: Logger;
}

export async function startDatabase(opts: SelectOptions): Promise<DatabaseServer> {
  if (opts.uri) {
    return { uri: opts.uri, engine: 'mongodb', durable: true, stop: async () => {} };
  }
  const choice = opts.engine ?? 'auto';
  let why = 'EMBEDDED_MONGO_ENGINE=jongodb';
  if (choice !== 'jongodb') {
    const mongod = await tryMongod(opts);
    if (typeof mongod !== 'string') return mongod;
    if (choice === 'mongod') throw new Error(`EMBEDDED_MONGO_ENGINE=mongod, but ${mongod}`);
    why = mongod;
  }
  const jongo = await startJongodb(opts.logger);
  opts.logger.info({ uri: jongo.uri }, 'embedded jongodb started');
  opts.logger.warn(
    '\n' +
      '  ************************************************************************\n' +
      '  *  NO REAL MONGODB HERE: using jongodb, a MongoDB-compatible stand-in  *\n' +
      '  *  running IN MEMORY. Its data will NOT survive a restart.             *\n' +
      '  *  Set MONGODB_URI for a real MongoDB, or let `npm start` download a   *\n' +
      '  *  mongod once (needs the internet; see docs/database.md).             *\n' +
      '  ************************************************************************\n' +
      `  (why: ${why})`,
  );
  return jongo;
}

/** A running real mongod, or why there is none. */
async function tryMongod(opts: SelectOptions): Promise<DatabaseServer | string> {
  let found: FoundMongod;
  try {
    found = await findOrDownloadMongod({ download: opts.download ?? false, logger: opts.logger });
  } catch (err) {
    // The library missing (a production install): say so, then try the stand-in.
    return err instanceof Error ? err.message : String(err);
  }
  if (found.why !== undefined) return found.why;
  try {
    const server = await startMongod(found.binary, opts.dataDir, opts.logger);
    opts.logger.info(
      { uri: server.uri, dataDir: opts.dataDir ?? '(temporary)' },
      'embedded mongod started',
    );
    return server;
  } catch (err) {
    return `mongod ${found.binary} did not start: ${String(err)}`;
  }
}

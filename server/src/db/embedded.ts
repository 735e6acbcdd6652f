import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../logger.js';

/**
 * The ONE place that decides which MongoDB the app talks to (database.md):
 *   1. MONGODB_URI, when set: a real MongoDB (production, or `MONGODB_URI=... npm test`);
 *   2. else a real mongod through mongodb-memory-server, when its binary is already on the
 *      machine (MONGOMS_SYSTEM_BINARY or its download cache; EMBEDDED_MONGO_DOWNLOAD=1 lets it
 *      download one, which needs the internet);
 *   3. else jongodb, a MongoDB-compatible stand-in shipped as an npm binary: in memory only,
 *      with known gaps (no $push/$pull, projections ignored, no TTL). The app is written so as
 *      not to rely on any of those gaps.
 */
export type Engine = 'mongodb' | 'mongodb-memory-server' | 'jongodb';

export interface DatabaseServer {
  uri: string;
  engine: Engine;
  /** True when data survives a restart. */
  durable: boolean;
  stop(): Promise<void>;
}

export interface SelectOptions {
  uri?: string | undefined;
  /** Keep the embedded mongod's files here (npm start); in memory when absent (tests). */
  dataDir?: string | undefined;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export async function startDatabase(opts: SelectOptions): Promise<DatabaseServer> {
  const env = opts.env ?? process.env;
  if (opts.uri) {
    return { uri: opts.uri, engine: 'mongodb', durable: true, stop: async () => {} };
  }
  const real = await tryMemoryServer(opts, env);
  if (real) return real;
  const jongo = await startJongodb();
  opts.logger.warn(
    '\n' +
      '  ************************************************************************\n' +
      '  *  NO REAL MONGODB HERE: using jongodb, a MongoDB-compatible stand-in  *\n' +
      '  *  running IN MEMORY. Its data will NOT survive a restart.             *\n' +
      '  *  Set MONGODB_URI (or MONGOMS_SYSTEM_BINARY) for a real MongoDB.      *\n' +
      '  ************************************************************************',
  );
  return jongo;
}

async function tryMemoryServer(
  opts: SelectOptions,
  env: NodeJS.ProcessEnv,
): Promise<DatabaseServer | undefined> {
  // Loaded only here: with MONGODB_URI (production) the process never holds it in memory.
  const { DryMongoBinary, MongoMemoryReplSet } = await import('mongodb-memory-server-core');
  const mayDownload = env.EMBEDDED_MONGO_DOWNLOAD === '1';
  if (!mayDownload) {
    const binary =
      env.MONGOMS_SYSTEM_BINARY ??
      (await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions()));
    if (!binary) {
      opts.logger.info('no mongod binary on this machine (MONGOMS_SYSTEM_BINARY, download cache)');
      return undefined;
    }
  }
  try {
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    const replSet = await MongoMemoryReplSet.create({
      replSet: { count: 1, storageEngine: 'wiredTiger' },
      instanceOpts: opts.dataDir ? [{ dbPath: opts.dataDir }] : [],
    });
    return {
      uri: replSet.getUri(),
      engine: 'mongodb-memory-server',
      durable: Boolean(opts.dataDir),
      // doCleanup false keeps ./data for the next start.
      stop: async () => {
        await replSet.stop({ doCleanup: !opts.dataDir, force: false });
      },
    };
  } catch (err) {
    opts.logger.warn({ err: String(err) }, 'mongodb-memory-server could not start a real mongod');
    return undefined;
  }
}

function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return path.join(path.dirname(pkg), 'bin', 'jongodb');
}

/** Starts jongodb on a free port as a single-node replica set (transactions need one). */
async function startJongodb(): Promise<DatabaseServer> {
  const child = spawn(
    jongodbBinary(),
    [
      '--host=127.0.0.1',
      '--port=0',
      '--topology-profile=singleNodeReplicaSet',
      '--replica-set-name=rs0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`jongodb did not start: ${out}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /JONGODB_URI=(\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited with ${code}: ${out}`));
    });
    child.once('error', reject);
  });
  // Stop the child with us even on a crash of the parent's event loop.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return { uri, engine: 'jongodb', durable: false, stop: () => stopChild(child, kill) };
}

function stopChild(child: ChildProcess, kill: () => void): Promise<void> {
  process.off('exit', kill);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

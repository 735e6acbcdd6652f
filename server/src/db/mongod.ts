import { mkdirSync } from 'node:fs';
import net from 'node:net';
import mongoose from 'mongoose';
import type { Logger } from '../logger.js';
import { loadDevDependency } from './dev-dependency.js';
import type { DatabaseServer } from './embedded.js';

/**
 * A real mongod for `npm start` and the tests, through mongodb-memory-server (a development
 * dependency): the binary comes from MONGOMS_SYSTEM_BINARY or that library's download cache
 * (by default ~/.cache/mongodb-binaries; MONGOMS_DOWNLOAD_DIR moves it), or is downloaded into
 * that cache once. It runs as a single-node replica set (transactions need one), with its
 * files in `dataDir` when given so that they survive restarts.
 *
 * If this process dies, even by SIGKILL, the library's own watchdog (a second Node process,
 * `mongo_killer.js`, which checks every two seconds that we are alive) sends mongod SIGTERM:
 * a clean shutdown that flushes its files (docs/database.md).
 */
const REPLICA_SET = 'rs0';

/** How long the download host gets to answer before this machine is taken to be offline. */
export const PROBE_TIMEOUT_MS = 3000;

const loadLibrary = () =>
  loadDevDependency('mongodb-memory-server-core', () => import('mongodb-memory-server-core'));

export type FoundMongod = { binary: string; why?: undefined } | { binary?: undefined; why: string };

/** A mongod binary on this machine, else one downloaded now if allowed and reachable. */
export async function findOrDownloadMongod(opts: {
  download: boolean;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}): Promise<FoundMongod> {
  const env = opts.env ?? process.env;
  const { DryMongoBinary, MongoBinary } = await loadLibrary();
  const options = await DryMongoBinary.generateOptions();
  const located = await DryMongoBinary.locateBinary(options);
  if (located) return { binary: located };
  if (env.MONGOMS_SYSTEM_BINARY) {
    return { why: `MONGOMS_SYSTEM_BINARY=${env.MONGOMS_SYSTEM_BINARY} is not a usable mongod` };
  }
  const none = `no mongod ${options.version} in ${options.downloadDir}`;
  if (!opts.download)
    return { why: `${none}, and downloading one is off (EMBEDDED_MONGO_DOWNLOAD)` };

  // The library would retry a failed download for several seconds, and wait a minute on a
  // black-holed network: one bounded connection attempt first keeps an offline start fast.
  const target = downloadTarget(env);
  const probe = await canConnect(target.host, target.port, PROBE_TIMEOUT_MS);
  if (probe !== 'ok') {
    return {
      why: `${none}, and ${target.host}:${target.port} did not answer (${probe}): offline?`,
    };
  }
  opts.logger.info(
    { version: options.version, into: options.downloadDir },
    'downloading mongod (once: it is kept in that cache)',
  );
  try {
    return { binary: await MongoBinary.getPath() };
  } catch (err) {
    return { why: `${none}, and downloading one failed: ${String(err)}` };
  }
}

/**
 * Where the download connects first: the proxy the library would use (same variables, same
 * order), else the host of MONGOMS_DOWNLOAD_URL or of the mirror (MONGOMS_DOWNLOAD_MIRROR).
 */
export function downloadTarget(env: NodeJS.ProcessEnv): { host: string; port: number } {
  const proxy =
    env['yarn_https-proxy'] ||
    env.yarn_proxy ||
    env['npm_config_https-proxy'] ||
    env.npm_config_proxy ||
    env.https_proxy ||
    env.http_proxy ||
    env.HTTPS_PROXY ||
    env.HTTP_PROXY;
  const url = new URL(
    proxy ||
      env.MONGOMS_DOWNLOAD_URL ||
      env.MONGOMS_DOWNLOAD_MIRROR ||
      'https://fastdl.mongodb.org',
  );
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/**
 * One TCP connection attempt, name lookup included, given up after `timeoutMs`: 'ok', or why
 * not. `lookup` replaces the system resolver (tests).
 */
export function canConnect(
  host: string,
  port: number,
  timeoutMs: number,
  lookup?: net.LookupFunction,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, ...(lookup ? { lookup } : {}) });
    const done = (result: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done('ok'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

/** Starts `binary` as a single-node replica set, its files in `dataDir` (temporary if none). */
export async function startMongod(
  binary: string,
  dataDir: string | undefined,
  logger: Logger,
): Promise<DatabaseServer> {
  const { MongoMemoryServer } = await loadLibrary();
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = await MongoMemoryServer.create({
    binary: { systemBinary: binary },
    // Out of the terminal's process group: a Ctrl-C reaches the server, whose graceful
    // shutdown stops mongod last, rather than mongod in the middle of it.
    spawn: { detached: true },
    instance: {
      ip: '127.0.0.1',
      replSet: REPLICA_SET,
      storageEngine: 'wiredTiger',
      // Recovering a large data directory after a crash can take a while.
      launchTimeout: 60_000,
      ...(dataDir ? { dbPath: dataDir } : {}),
    },
  });
  // Keep the files of a data directory; remove a temporary one.
  const stop = async () => {
    await server.stop({ doCleanup: !dataDir, force: false });
  };
  const port = server.instanceInfo?.port;
  try {
    if (!port) throw new Error('mongod started without a port');
    await joinReplicaSet(`127.0.0.1:${port}`, logger);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/?replicaSet=${REPLICA_SET}`,
    engine: 'mongodb-memory-server',
    durable: Boolean(dataDir),
    stop,
  };
}

/**
 * Makes the mongod at `host` the primary of a one-member replica set. The first start
 * initiates it. Later starts find the configuration stored in the data directory, which names
 * the previous start's port (a new free one is taken each time): the node does not find itself
 * in it and waits, so a forced reconfiguration gives it its new address. Then waits until it
 * accepts writes.
 */
async function joinReplicaSet(host: string, logger: Logger): Promise<void> {
  const client = new mongoose.mongo.MongoClient(`mongodb://${host}/?directConnection=true`, {
    serverSelectionTimeoutMS: 10_000,
  });
  await client.connect();
  try {
    const admin = client.db('admin');
    const config = await storedConfig(admin);
    if (!config) {
      await admin.command({ replSetInitiate: { _id: REPLICA_SET, members: [{ _id: 0, host }] } });
    } else if (config.members.length !== 1 || config.members[0]?.host !== host) {
      logger.info({ was: config.members.map((m) => m.host), now: host }, 'mongod: new address');
      // `term` belongs to the server; a forced reconfiguration sets it itself.
      const rest: Partial<ReplicaSetConfig> = { ...config };
      delete rest.term;
      await admin.command({
        replSetReconfig: {
          ...rest,
          version: config.version + 1,
          members: [{ ...config.members[0], _id: config.members[0]?._id ?? 0, host }],
        },
        force: true,
      });
    }
    await waitForPrimary(admin, 30_000);
  } finally {
    await client.close();
  }
}

interface ReplicaSetConfig {
  version: number;
  term?: number;
  members: { _id: number; host: string }[];
  [key: string]: unknown;
}

async function storedConfig(admin: mongoose.mongo.Db): Promise<ReplicaSetConfig | undefined> {
  try {
    const reply = await admin.command({ replSetGetConfig: 1 });
    return reply.config as ReplicaSetConfig;
  } catch (err) {
    // 94 NotYetInitialized: a new data directory.
    if ((err as { code?: unknown }).code === 94) return undefined;
    throw err;
  }
}

async function waitForPrimary(admin: mongoose.mongo.Db, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hello = await admin.command({ hello: 1 });
    if (hello.isWritablePrimary) return;
    if (Date.now() > deadline) throw new Error(`mongod did not become primary in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

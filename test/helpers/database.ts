import type { TestProject } from 'vitest/node';
import { parseConfig } from '../../server/src/config.js';
import { startDatabase } from '../../server/src/db/embedded.js';
import { createLogger } from '../../server/src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoEngine: string;
  }
}

/**
 * One database server per test run, chosen like the app does (docs/database.md): MONGODB_URI,
 * else a real mongod already on the machine (MONGOMS_SYSTEM_BINARY or mongodb-memory-server's
 * download cache), else the jongodb stand-in. Unlike `npm start`, a test run never downloads
 * a mongod unless EMBEDDED_MONGO_DOWNLOAD=1 says so: it must pass offline.
 * EMBEDDED_MONGO_ENGINE=jongodb|mongod forces one engine. The mongod keeps its files in a
 * temporary folder, removed at the end. Every test file then works in a database of its own.
 * The engine is printed so a run on a stand-in is never mistaken for one on MongoDB.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { embedded } = parseConfig({ ...process.env, NODE_ENV: 'test' });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
  const server = await startDatabase({
    uri: process.env.MONGODB_URI,
    engine: embedded.engine,
    download: embedded.download,
    logger,
  });
  console.log(`[${project.name}] database engine for this run: ${server.engine}`);
  project.provide('mongoUri', server.uri);
  project.provide('mongoEngine', server.engine);
  return () => server.stop();
}

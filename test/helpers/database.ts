import type { TestProject } from 'vitest/node';
import { startDatabase } from '../../server/src/db/embedded.js';
import { createLogger } from '../../server/src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoEngine: string;
  }
}

/**
 * One database server per test run, chosen like the app does: MONGODB_URI, else a real mongod
 * through mongodb-memory-server, else the jongodb stand-in. Every test file then works in a
 * database of its own. The engine is printed so a run on a stand-in is never mistaken for one
 * on MongoDB.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
  const server = await startDatabase({ uri: process.env.MONGODB_URI, logger });
  console.log(`[${project.name}] database engine for this run: ${server.engine}`);
  project.provide('mongoUri', server.uri);
  project.provide('mongoEngine', server.engine);
  return () => server.stop();
}

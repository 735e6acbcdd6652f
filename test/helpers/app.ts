import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { inject } from 'vitest';
import { createApp, type App } from '../../server/src/app.js';
import type { ThrottlePolicy } from '../../server/src/auth/throttle.js';
import type { CommandHooks } from '../../server/src/commands/command.js';
import { parseConfig, type Config } from '../../server/src/config.js';
import { openConnection } from '../../server/src/db/connection.js';
import { createLogger } from '../../server/src/logger.js';

export interface TestApp {
  baseUrl: string;
  app: App;
  config: Config;
  /** The database this app uses, for assertions on what was (not) written. */
  db: Connection;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  throttle?: ThrottlePolicy;
  /** Test seams of the commands (race tests pause them; crash tests keep their outbox). */
  hooks?: CommandHooks;
  /** Serve the built client (browser tests). */
  withClient?: boolean;
  /** Reuse a database (several instances of one deployment). */
  dbName?: string;
  /** The app's clock (see `FakeClock`); the real time without it. */
  clock?: () => Date;
  /** Where the app's log lines go (a test reads them back); stdout without it. */
  logTo?: { write(line: string): void };
}

/** Starts the real app factory on port 0 against a database of its own. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dbName = options.dbName ?? `escap_test_${randomBytes(6).toString('hex')}`;
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-123',
    // With REDIS_URL, the rate limits' counters of one deployment (the instances on one
    // database), apart from every other test's on the machine's Redis.
    REDIS_PREFIX: `escap-test:${dbName}`,
    ...(options.withClient ? { CLIENT_DIST: path.resolve('client/dist') } : {}),
    ...options.env,
  });
  const db = await openConnection(inject('mongoUri'), { dbName });
  const logger = createLogger(config.logLevel, false, options.logTo);
  const app = await createApp({
    config,
    db,
    logger,
    engine: inject('mongoEngine'),
    throttle: options.throttle,
    clock: options.clock,
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    config,
    db,
    close: async () => {
      if (!options.dbName) await db.dropDatabase().catch(() => undefined);
      await app.close();
    },
  };
}

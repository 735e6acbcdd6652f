import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { inject } from 'vitest';
import { openConnection } from '../../server/src/db/connection.js';
import { RedisServer } from './redisServer.js';
import { databaseUri, freePort, ServerProcess } from './serverProcess.js';

/** Two server processes of one deployment: one database, and a Redis of the test's own. */
export interface Deployment {
  /** The database both use, for assertions on what was stored. */
  db: Connection;
  redis: RedisServer;
  a: ServerProcess;
  b: ServerProcess;
  /** Stops every process (whatever the test did to them) and drops the database. */
  stop(): Promise<void>;
}

export async function startDeployment(name: string): Promise<Deployment> {
  const dbName = `escap_${name}_${randomBytes(6).toString('hex')}`;
  const db = await openConnection(inject('mongoUri'), { dbName });
  const redis = new RedisServer(await freePort());
  await redis.start();
  const env = { MONGODB_URI: databaseUri(dbName), REDIS_URL: redis.url };
  const a = new ServerProcess(await freePort(), env);
  const b = new ServerProcess(await freePort(), env);
  await Promise.all([a.start(), b.start()]);
  return {
    db,
    redis,
    a,
    b,
    async stop() {
      await Promise.all([a.kill(), b.kill()]);
      await redis.kill();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAs } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import { REDIS_URL, redisAvailable } from '../helpers/instances.js';

const hasRedis = await redisAvailable();
if (!hasRedis) console.warn(`[multi-instance] skipped: no Redis at ${REDIS_URL}`);

describe.skipIf(!hasRedis)('two instances linked by Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const dbName = `escap_test_multi_${Date.now()}`;
    a = await startTestApp({ dbName, env: { REDIS_URL } });
    b = await startTestApp({ dbName, env: { REDIS_URL } });
  });
  afterAll(async () => {
    await a.db.dropDatabase().catch(() => undefined);
    await Promise.all([a.close(), b.close()]);
  });

  it('signing out on one instance ends the live socket held by the other', async () => {
    const onA = new Agent(a.baseUrl);
    await signUpAs(onA);
    // Same browser session, socket connected to instance B (as behind a load balancer).
    const onB = new Agent(b.baseUrl);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    const socket = onB.socket();
    await new Promise<void>((resolve, reject) => {
      socket.on('session:ready', () => resolve());
      socket.on('connect_error', reject);
    });
    const ended = new Promise<void>((resolve) => socket.on('session:ended', () => resolve()));
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    expect((await onA.post('/api/auth/signout')).status).toBe(204);
    await ended;
    expect(await disconnected).toBe('io server disconnect');
    socket.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAs } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent, type ErrorBody } from '../helpers/http.js';

/**
 * Long enough that no pause of the machine ends a block before the test looks: blocks end in
 * the test by moving them back in time (`elapse`), not by waiting.
 */
const BLOCK_MS = 60_000;
let t: TestApp;
beforeAll(async () => {
  // One proxy in front: X-Forwarded-For gives the client IP, so a test can act from several IPs.
  t = await startTestApp({
    env: { TRUST_PROXY: '1' },
    throttle: {
      maxFailures: 3,
      baseBlockMs: BLOCK_MS,
      maxBlockMs: 10 * BLOCK_MS,
      ipMaxFailures: 50,
      ipWindowMs: 60_000,
    },
  });
});
afterAll(() => t.close());

const from = (ip: string) => new Agent(t.baseUrl, { 'x-forwarded-for': ip }).init();

/**
 * As if `ms` had passed for the sign-in counters: every block and window recorded so far is
 * moved that much earlier (the throttle compares them with the time of each attempt). Tests
 * in a file run one after another, each with its own accounts and addresses.
 */
async function elapse(ms: number): Promise<void> {
  const attempts = t.db.collection<{ _id: string; blockedUntil?: Date | null; windowStart: Date }>(
    'loginattempts',
  );
  for (const doc of await attempts.find({}).toArray()) {
    const earlier = (d: Date) => new Date(d.getTime() - ms);
    await attempts.updateOne(
      { _id: doc._id },
      {
        $set: {
          windowStart: earlier(doc.windowStart),
          blockedUntil: doc.blockedUntil ? earlier(doc.blockedUntil) : null,
        },
      },
    );
  }
}

const retryAfter = (res: { headers: Headers }) => Number(res.headers.get('retry-after'));

describe('sign-in throttling', () => {
  it('blocks an identifier from one IP after repeated failures, for a limited time only', async () => {
    const { input } = await signUpAs(new Agent(t.baseUrl));
    const attacker = await from('203.0.113.7');
    for (let i = 0; i < 3; i++) {
      const res = await attacker.post('/api/auth/signin', {
        identifier: input.email,
        password: `essai ${i}`,
      });
      expect(res.status).toBe(401);
    }
    // Blocked now, even with the right password.
    const blocked = await attacker.post<ErrorBody>('/api/auth/signin', {
      identifier: input.email,
      password: input.password,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    // In seconds, what is left of the block: at most the block, and some of it.
    expect(retryAfter(blocked)).toBeLessThanOrEqual(BLOCK_MS / 1000);
    expect(retryAfter(blocked)).toBeGreaterThan(BLOCK_MS / 2000);

    // The real user, elsewhere, is not locked out.
    const user = await from('198.51.100.20');
    expect(
      (await user.post('/api/auth/signin', { identifier: input.email, password: input.password }))
        .status,
    ).toBe(200);

    // And the block ends by itself: still on halfway, over at its end.
    await elapse(BLOCK_MS / 2);
    expect(
      (await attacker.post('/api/auth/signin', { identifier: input.email, password: 'x' })).status,
    ).toBe(429);
    await elapse(BLOCK_MS / 2);
    expect(
      (
        await attacker.post('/api/auth/signin', {
          identifier: input.email,
          password: input.password,
        })
      ).status,
    ).toBe(200);
  });

  it('doubles the block with each further failure', async () => {
    const { input } = await signUpAs(new Agent(t.baseUrl));
    const attacker = await from('203.0.113.8');
    for (let i = 0; i < 3; i++)
      await attacker.post('/api/auth/signin', { identifier: input.rpps, password: 'faux' });
    await elapse(BLOCK_MS);
    // One more failure after the first block: now blocked for 2 x BLOCK_MS.
    expect(
      (await attacker.post('/api/auth/signin', { identifier: input.rpps, password: 'faux' }))
        .status,
    ).toBe(401);
    const signIn = () =>
      attacker.post('/api/auth/signin', { identifier: input.rpps, password: input.password });
    const blocked = await signIn();
    expect(blocked.status).toBe(429);
    expect(retryAfter(blocked)).toBeGreaterThan(BLOCK_MS / 1000);
    await elapse(BLOCK_MS);
    expect((await signIn()).status).toBe(429);
    await elapse(BLOCK_MS);
    expect((await signIn()).status).toBe(200);
  });

  it('limits one IP spraying many accounts', async () => {
    const small = await startTestApp({
      env: { TRUST_PROXY: '1' },
      throttle: {
        maxFailures: 100,
        baseBlockMs: 1000,
        maxBlockMs: 1000,
        ipMaxFailures: 4,
        ipWindowMs: 60_000,
      },
    });
    try {
      const sprayer = await new Agent(small.baseUrl, { 'x-forwarded-for': '203.0.113.9' }).init();
      for (let i = 0; i < 4; i++) {
        expect(
          (
            await sprayer.post('/api/auth/signin', {
              identifier: `u${i}@exemple.fr`,
              password: 'x',
            })
          ).status,
        ).toBe(401);
      }
      const res = await sprayer.post<ErrorBody>('/api/auth/signin', {
        identifier: 'autre@exemple.fr',
        password: 'x',
      });
      expect(res.status).toBe(429);
    } finally {
      await small.close();
    }
  });
});

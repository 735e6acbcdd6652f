import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { LocalBucket, RateLimits, type RateLimitSettings } from './limits.js';

const logger = createLogger('silent', false);
const rate = (points: number) => ({ points, seconds: 600 });
const settings: RateLimitSettings = {
  http: { professional: rate(3), ip: rate(3) },
  events: { socket: rate(3), professional: rate(3) },
  edits: { socket: rate(3), professional: rate(3) },
  redisPrefix: 'escap-unit',
};

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function limits(redisUrl?: string): Promise<RateLimits> {
  const l = await RateLimits.create(settings, redisUrl, logger);
  open.push(l);
  return l;
}

/** Takes `n` points for one key and says which were allowed. */
async function takeMany(l: RateLimits, n: number, key = 'pro-1'): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((await l.http.professional.take(key)).ok);
  return out;
}

/**
 * A TCP server speaking just enough Redis for a client to become ready (it answers +OK to each
 * command), then silent when told: a Redis that hangs without closing its connections. It
 * records the commands it was sent.
 */
async function fakeRedis(): Promise<{ url: string; silence(): void; received: string[] }> {
  let silent = false;
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (data) => {
      // Each command is an array of bulk strings: `*<n>`, then `$<length>` and its name.
      const names = [...data.toString().matchAll(/(?:^|\n)\*\d+\r\n\$\d+\r\n(\w+)/g)];
      received.push(...names.map((m) => m[1]!.toUpperCase()));
      if (!silent) socket.write('+OK\r\n'.repeat(names.length));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  });
  const { port } = server.address() as net.AddressInfo;
  return { url: `redis://127.0.0.1:${port}`, silence: () => (silent = true), received };
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('LocalBucket', () => {
  it('allows a burst of its points, then as many as it refills, never more', () => {
    const b = new LocalBucket({ points: 2, seconds: 1 });
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([
      { ok: true },
      { ok: true },
      { ok: false, retryAfterMs: 500 },
    ]);
    // Refilled at 2 per second: one token after 500 ms.
    expect(b.take(250)).toEqual({ ok: false, retryAfterMs: 250 });
    expect([b.take(500).ok, b.take(500).ok]).toEqual([true, false]);
    // Idle for long: full again, but no more than its points.
    expect([b.take(60_000).ok, b.take(60_000).ok, b.take(60_000).ok]).toEqual([true, true, false]);
  });
});

describe('RateLimits', () => {
  it('counts in memory without Redis, per key, and says when to come back', async () => {
    const l = await limits();
    expect(await takeMany(l, 5)).toEqual([true, true, true, false, false]);
    expect(await takeMany(l, 1, 'pro-2')).toEqual([true]);
    const refused = await l.http.professional.take('pro-1');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(0);
  });

  it('keeps limiting, on its own, while Redis cannot be reached', async () => {
    const l = await limits(`redis://127.0.0.1:${await deadPort()}`);
    // Neither blocked (every answer comes) nor unlimited (the insurance counts).
    expect(await takeMany(l, 5)).toEqual([true, true, true, false, false]);
  });

  it('does not wait on a Redis that stops answering', async () => {
    const redis = await fakeRedis();
    const l = await limits(redis.url);
    // Ready first (the client's hello is answered), then every command hangs.
    await until(() => l.sharing);
    redis.silence();
    expect(await takeMany(l, 5)).toEqual([true, true, true, false, false]);
    // Redis was asked, and never answered: the instance's own count decided.
    expect(redis.received).toContain('EVAL');
  });
});

/** Polls a condition that has no event to await (a client's state), with a deadline. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/src/chat.js';
import { ERROR_MESSAGES, type Ack } from '../../shared/src/errors.js';
import { signUpAs } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { page } from '../helpers/chat.js';
import { Agent, type ErrorBody } from '../helpers/http.js';
import { activeTeam, connect, liveClients, type LiveClient } from '../teamFactories.js';

// Windows far longer than any test: what is counted is never forgotten halfway through, so
// every count below is exact, however slow the machine.
const LONG = 600;
const REFUSED = {
  ok: false,
  error: { code: 'rate_limited', message: ERROR_MESSAGES.rate_limited },
};

function chatSend(c: LiveClient, teamId: string, text: string): Promise<Ack<MessageView>> {
  return c.socket
    .timeout(20_000)
    .emitWithAck('chat:send', { teamId, clientId: randomUUID(), text }) as Promise<
    Ack<MessageView>
  >;
}

const ping = (c: LiveClient) =>
  c.socket.timeout(10_000).emitWithAck('health:ping') as Promise<Ack<{ at: string }>>;

const okCount = (acks: Array<{ ok: boolean }>) => acks.filter((a) => a.ok).length;

describe('socket events under a flood', () => {
  let t: TestApp;
  const live = liveClients();
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        RATE_LIMIT_EVENTS_SOCKET: `5/${LONG}`,
        RATE_LIMIT_EVENTS_USER: `8/${LONG}`,
      },
    });
  });
  afterAll(() => t.close());

  it('answers events over the limit rate_limited, and limits note edits apart', async () => {
    const { team, creator } = await activeTeam(t);
    const c = await live(creator);
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => chatSend(c, team.id, `Vite ${i}`)),
    );
    // The socket's 5 and not one more, in the order sent; every other send answered, in French.
    expect(acks.map((a) => a.ok)).toEqual([
      ...Array<boolean>(5).fill(true),
      ...Array<boolean>(15).fill(false),
    ]);
    for (const ack of acks.slice(5)) expect(ack).toEqual(REFUSED);

    // Note edits are limited apart: this socket's edit is judged for what it is.
    const edit = (await c.socket.timeout(10_000).emitWithAck('note:update', {
      teamId: team.id,
      doc: 'plan',
      update: 'AAA=',
    })) as Ack<unknown>;
    expect(edit).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    // Its pings wait with the rest of its events.
    expect(await ping(c)).toEqual(REFUSED);
    expect(c.socket.connected).toBe(true);
  });

  it('cuts a socket that floods, keeps serving the others, and stays up', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const flooder = await live(creator);
    const other = await live(nurse);
    const cut = new Promise<string>((resolve) => flooder.socket.once('disconnect', resolve));

    const flood = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => chatSend(flooder, team.id, `Flot ${i}`)),
    );
    expect(await cut).toBe('io server disconnect');
    const answers = flood.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    // 20 refusals answered, then the connection cut: the rest was never handled.
    expect(answers.filter((a) => !a.ok)).toEqual(Array<unknown>(20).fill(REFUSED));
    expect(okCount(answers)).toBeLessThanOrEqual(5);

    // Another member is served as before, live and over HTTP.
    const mine = await chatSend(other, team.id, 'Je suis toujours là');
    expect(mine.ok).toBe(true);
    await other.waitFor('chat:message', (m) => m.text === 'Je suis toujours là');
    // Of the flood, only what was handed on before the cut was handled: 5 at most.
    const texts = (await page(nurse, team.id)).messages.map((m) => m.text);
    expect(texts).toContain('Je suis toujours là');
    expect(texts.filter((text) => text.startsWith('Flot')).length).toBeLessThanOrEqual(5);
    expect((await fetch(`${t.baseUrl}/api/health`)).status).toBe(200);
  });

  it("counts a professional's sockets together", async () => {
    const { team, creator } = await activeTeam(t);
    const first = await live(creator);
    const second = await live(creator);
    const a = await Promise.all(
      Array.from({ length: 5 }, (_, i) => chatSend(first, team.id, `A${i}`)),
    );
    const b = await Promise.all(
      Array.from({ length: 5 }, (_, i) => chatSend(second, team.id, `B${i}`)),
    );
    expect(okCount(a)).toBe(5);
    // 8 for the professional: the second socket, under its own 5, gets the 3 left.
    expect(okCount(b)).toBe(3);
    expect(b.slice(3)).toEqual([REFUSED, REFUSED]);
  });

  it('drops a refused event that expects no answer, and keeps the socket', async () => {
    const { team, creator } = await activeTeam(t);
    const c = await live(creator);
    for (let i = 0; i < 5; i++) expect((await ping(c)).ok).toBe(true);
    // Unacknowledged events are dropped in silence; the socket stays connected.
    c.socket.emit('note:leave', { teamId: team.id, doc: 'plan' });
    expect(await ping(c)).toEqual(REFUSED);
    expect(c.socket.connected).toBe(true);
  });
});

describe('the HTTP API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_HTTP_USER: `30/${LONG}`, RATE_LIMIT_HTTP_IP: `40/${LONG}` },
    });
  });
  afterAll(() => t.close());

  it('refuses a professional over their limit with 429 rate_limited, and no one else', async () => {
    const { creator, nurse } = await activeTeam(t);
    let refused: Awaited<ReturnType<Agent['get']>> | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await creator.agent.get('/api/teams');
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).toBe(429);
    expect((refused?.body as ErrorBody).error).toMatchObject({
      code: 'rate_limited',
      message: ERROR_MESSAGES.rate_limited,
    });
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await nurse.agent.get('/api/teams')).status).toBe(200);
    // Health checks are never limited (load balancers poll them).
    expect((await creator.agent.get('/api/health')).status).toBe(200);
  });

  it('limits anonymous requests per client IP', async () => {
    // Sign-ups, sign-ins and the session page before sign-in all count for 127.0.0.1.
    const statuses: number[] = [];
    for (let i = 0; i < 50 && !statuses.includes(429); i++)
      statuses.push((await new Agent(t.baseUrl).get('/api/session')).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
  });
});

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAvailable(): Promise<boolean> {
  const client = createClient({
    url: REDIS_URL,
    socket: { reconnectStrategy: false, connectTimeout: 1000 },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.quit();
    return true;
  } catch {
    return false;
  }
}

const hasRedis = await redisAvailable();
if (!hasRedis) console.warn(`[rate-limits] across instances skipped: no Redis at ${REDIS_URL}`);

describe.skipIf(!hasRedis)('two instances sharing their counters through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const dbName = `escap_test_limits_${randomBytes(4).toString('hex')}`;
    const env = {
      REDIS_URL,
      REDIS_PREFIX: `escap-test:${dbName}`,
      RATE_LIMIT_HTTP_USER: `10/${LONG}`,
      RATE_LIMIT_EVENTS_USER: `4/${LONG}`,
    };
    a = await startTestApp({ dbName, env });
    b = await startTestApp({ dbName, env });
  });
  afterAll(async () => {
    await a.db.dropDatabase().catch(() => undefined);
    await Promise.all([a.close(), b.close()]);
  });

  it("holds a professional's limit whichever instance they reach", async () => {
    const onA = new Agent(a.baseUrl);
    await signUpAs(onA);
    // The same browser session, balanced to the other instance.
    const onB = new Agent(b.baseUrl);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await onA.get('/api/teams')).status);
    for (let i = 0; i < 6; i++) statuses.push((await onB.get('/api/teams')).status);
    // 10 in all, not 10 per instance.
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429, 429]);

    // Socket events too: 4 for the professional, on two instances.
    const pro = { agent: onA } as Parameters<typeof connect>[0];
    const onBPro = { agent: onB } as Parameters<typeof connect>[0];
    const sa = await connect(pro);
    const sb = await connect(onBPro);
    try {
      const acks = [await ping(sa), await ping(sa), await ping(sa), await ping(sb), await ping(sb)];
      expect(acks.map((x) => x.ok)).toEqual([true, true, true, true, false]);
    } finally {
      sa.close();
      sb.close();
    }
  });
});

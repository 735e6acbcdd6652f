import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openConnection } from '../../server/src/db/connection.js';
import type { TestApp } from '../helpers/app.js';
import { via } from '../helpers/instances.js';
import { openNote, waitFor, type NoteClient } from '../helpers/notes.js';
import { docFromPieces, noteText, sameState, storedPieces, WireNote } from '../helpers/noteWire.js';
import { until } from '../helpers/processes.js';
import { hasRedisServer, RedisServer } from '../helpers/redisServer.js';
import { databaseUri, freePort, ServerProcess } from '../helpers/serverProcess.js';
import { activeTeam, type ActiveTeam } from '../teamFactories.js';

if (!hasRedisServer) console.warn('[redis-loss] skipped: no redis-server binary');

/**
 * Two server processes, one database, and a Redis of the test's own that it kills and starts
 * again. Meanwhile: no crash, both say they are not ready, their sockets are told, and they
 * keep acknowledging (and storing) edits; once Redis is back, every instance serves a note
 * holding every acknowledged edit, the same on both.
 */
describe.skipIf(!hasRedisServer)('Redis lost and back, two instances', () => {
  const dbName = `escap_redisloss_${randomBytes(6).toString('hex')}`;
  let db: Connection;
  let redis: RedisServer;
  let a: ServerProcess;
  let b: ServerProcess;
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    db = await openConnection(inject('mongoUri'), { dbName });
    redis = new RedisServer(await freePort());
    await redis.start();
    const env = { MONGODB_URI: databaseUri(dbName), REDIS_URL: redis.url };
    a = new ServerProcess(await freePort(), env);
    b = new ServerProcess(await freePort(), env);
    await Promise.all([a.start(), b.start()]);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([a.kill(), b.kill()]);
    await redis.kill();
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const ready = async (s: ServerProcess) =>
    (await fetch(`${s.baseUrl}/api/ready`).catch(() => undefined))?.status;

  it(
    'keeps serving, then every instance holds every acknowledged edit',
    { timeout: 90_000 },
    async () => {
      const team: ActiveTeam = await activeTeam({ baseUrl: a.baseUrl } as TestApp);
      const onA: NoteClient = openNote(team.creator.agent, team.team.id);
      const onB: NoteClient = openNote(via(team.nurse, b).agent, team.team.id);
      clients.push(onA, onB);
      const tokens: string[] = [];
      const typeOn = async (c: NoteClient, token: string) => {
        c.type(`${token} `);
        tokens.push(token);
        await c.saved();
      };
      for (let i = 0; i < 5; i++) await Promise.all([typeOn(onA, `a${i}`), typeOn(onB, `b${i}`)]);

      const degradedOnB = new Promise<unknown>((resolve) =>
        onB.socket.on('realtime:state', (p) => p.state === 'degraded' && resolve(p)),
      );
      await redis.kill();
      await until(
        'both instances say they are not ready',
        async () => (await ready(a)) === 503 && (await ready(b)) === 503,
      );
      await degradedOnB;
      // Redis away: edits are still acknowledged, which means stored.
      for (let i = 5; i < 15; i++) await Promise.all([typeOn(onA, `a${i}`), typeOn(onB, `b${i}`)]);

      await redis.start();
      await until(
        'both instances are ready again',
        async () => (await ready(a)) === 200 && (await ready(b)) === 200,
        20_000,
      );
      expect(a.exited).toBe(false);
      expect(b.exited).toBe(false);

      // What each instance serves a newcomer holds every acknowledged edit, the same on both.
      const stored = docFromPieces((await storedPieces(db, team.team.id)).updates).doc;
      for (const t of tokens) expect(noteText(stored)).toContain(t);
      const newcomers = await Promise.all(
        [a, b].map(async (s) => {
          const w = await WireNote.open(via(team.pharmacist, s), team.team.id);
          clients.push(w);
          return w;
        }),
      );
      for (const w of newcomers) for (const t of tokens) expect(w.text()).toContain(t);
      expect(sameState(newcomers[0]!.doc, newcomers[1]!.doc)).toBe(true);
      // And the editors who were cut from each other converge too.
      await waitFor(
        () => sameState(onA.doc, onB.doc),
        10_000,
        () => `${onA.text()} | ${onB.text()}`,
      );
    },
  );

  it(
    'a removal decided while Redis is away still ends the right to write on the other instance',
    { timeout: 90_000 },
    async () => {
      const team: ActiveTeam = await activeTeam({ baseUrl: a.baseUrl } as TestApp);
      const onB = await WireNote.open(via(team.nurse, b), team.team.id);
      clients.push(onB);
      expect(await onB.send(onB.append('Avant. '))).toMatchObject({ ok: true });
      await redis.kill();
      await until('B says it is not ready', async () => (await ready(b)) === 503);
      const closed = onB.live.waitFor('note:closed', () => true, 15_000);
      const res = await team.creator.agent.post(
        `/api/teams/${team.team.id}/members/${team.nurse.id}/remove`,
      );
      expect(res.status).toBe(200);
      // No room change can cross from A; B reads the rights of its sockets again meanwhile.
      expect(await closed).toMatchObject({ reason: 'not_found' });
      expect(await onB.send(onB.append('Après.'))).toMatchObject({ ok: false });
      await redis.start();
      await until('B is ready again', async () => (await ready(b)) === 200, 20_000);
    },
  );
});

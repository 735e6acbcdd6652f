import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { via } from '../helpers/instances.js';
import { openNote, waitFor, type NoteClient } from '../helpers/notes.js';
import { docFromPieces, noteText, sameState, storedPieces, WireNote } from '../helpers/noteWire.js';
import { until } from '../helpers/processes.js';
import { startDeployment, type Deployment } from '../helpers/deployment.js';
import { hasRedisServer } from '../helpers/redisServer.js';
import { activeTeam, type ActiveTeam } from '../teamFactories.js';

if (!hasRedisServer) console.warn('[redis-loss] skipped: no redis-server binary');

/**
 * Two server processes, one database, and a Redis of the test's own that it kills and starts
 * again. Meanwhile: no crash, both say they are not ready, their sockets are told, and they
 * keep acknowledging (and storing) edits; once Redis is back, every instance serves a note
 * holding every acknowledged edit, the same on both.
 */
describe.skipIf(!hasRedisServer)('Redis lost and back, two instances', () => {
  let d: Deployment;
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    d = await startDeployment('redisloss');
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await d.stop();
  });

  const ready = async (s: { baseUrl: string }) =>
    (await fetch(`${s.baseUrl}/api/ready`).catch(() => undefined))?.status;

  it(
    'keeps serving, then every instance holds every acknowledged edit',
    { timeout: 90_000 },
    async () => {
      const team: ActiveTeam = await activeTeam({ baseUrl: d.a.baseUrl } as TestApp);
      const onA: NoteClient = openNote(team.creator.agent, team.team.id);
      const onB: NoteClient = openNote(via(team.nurse, d.b).agent, team.team.id);
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
      await d.redis.kill();
      await until(
        'both instances say they are not ready',
        async () => (await ready(d.a)) === 503 && (await ready(d.b)) === 503,
      );
      await degradedOnB;
      // Redis away: edits are still acknowledged, which means stored.
      for (let i = 5; i < 15; i++) await Promise.all([typeOn(onA, `a${i}`), typeOn(onB, `b${i}`)]);

      await d.redis.start();
      await until(
        'both instances are ready again',
        async () => (await ready(d.a)) === 200 && (await ready(d.b)) === 200,
        20_000,
      );
      expect(d.a.exited).toBe(false);
      expect(d.b.exited).toBe(false);

      // What each instance serves a newcomer holds every acknowledged edit, the same on both.
      const stored = docFromPieces((await storedPieces(d.db, team.team.id)).updates).doc;
      for (const t of tokens) expect(noteText(stored)).toContain(t);
      const newcomers = await Promise.all(
        [d.a, d.b].map(async (s) => {
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
      const team: ActiveTeam = await activeTeam({ baseUrl: d.a.baseUrl } as TestApp);
      const onB = await WireNote.open(via(team.nurse, d.b), team.team.id);
      clients.push(onB);
      expect(await onB.send(onB.append('Avant. '))).toMatchObject({ ok: true });
      await d.redis.kill();
      await until('B says it is not ready', async () => (await ready(d.b)) === 503);
      const closed = onB.live.waitFor('note:closed', () => true, 15_000);
      const res = await team.creator.agent.post(
        `/api/teams/${team.team.id}/members/${team.nurse.id}/remove`,
      );
      expect(res.status).toBe(200);
      // No room change can cross from A; B reads the rights of its sockets again meanwhile.
      expect(await closed).toMatchObject({ reason: 'not_found' });
      expect(await onB.send(onB.append('Après.'))).toMatchObject({ ok: false });
      await d.redis.start();
      await until('B is ready again', async () => (await ready(d.b)) === 200, 20_000);
    },
  );
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { sent } from '../helpers/chat.js';
import { via } from '../helpers/instances.js';
import { WireNote } from '../helpers/noteWire.js';
import { startDeployment, type Deployment } from '../helpers/deployment.js';
import { hasRedisServer } from '../helpers/redisServer.js';
import {
  activeTeam,
  connect,
  expectStatus,
  type ActiveTeam,
  type LiveClient,
  type Pro,
} from '../teamFactories.js';

if (!hasRedisServer) console.warn('[revocation-instances] skipped: no redis-server binary');

/**
 * Two server processes: every revocation decided on instance A ends, at once, what the
 * professional's sockets held on instance B: removal, leaving, consent withdrawn, closure,
 * sign-out.
 */
describe.skipIf(!hasRedisServer)('revocations across two processes', () => {
  let d: Deployment;
  const clients: Array<{ close(): void }> = [];

  beforeAll(async () => {
    d = await startDeployment('revoke');
  }, 60_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await d.stop();
  });

  /** A team made on A; the nurse's note and live socket on B; the pharmacist's socket on B. */
  async function setUp(): Promise<{
    t: ActiveTeam;
    note: WireNote;
    nurseLive: LiveClient;
    witness: LiveClient;
  }> {
    const t = await activeTeam({ baseUrl: d.a.baseUrl } as TestApp);
    const note = await WireNote.open(via(t.nurse, d.b), t.team.id);
    const nurseLive = await connect(via(t.nurse, d.b));
    const witness = await connect(via(t.pharmacist, d.b));
    clients.push(note, nurseLive, witness);
    expect(await note.send(note.append('Avant. '))).toMatchObject({ ok: true });
    return { t, note, nurseLive, witness };
  }

  /**
   * After a revocation: a message from A that the witness on B receives; by then B has
   * delivered everything A published before it, so a round trip on the revoked socket shows
   * what it got.
   */
  async function afterAMessage(t: ActiveTeam, witness: LiveClient, revoked: LiveClient) {
    const from = await connect(t.creator);
    clients.push(from);
    revoked.clear();
    const arrived = witness.waitFor('chat:message');
    await sent(from, t.team.id, 'Message après');
    await arrived;
    await revoked.roundTrip();
    return revoked.received.filter((r) => r.event === 'chat:message');
  }

  const post = (pro: Pro, path: string, body: unknown = {}) => pro.agent.post(path, body);

  it('removal: the note closes, the team is left, no message arrives', async () => {
    const { t, note, nurseLive, witness } = await setUp();
    const closed = note.live.waitFor('note:closed');
    const left = nurseLive.waitFor('team:left');
    expectStatus(
      await post(t.creator, `/api/teams/${t.team.id}/members/${t.nurse.id}/remove`),
      200,
    );
    expect(await closed).toMatchObject({ reason: 'not_found' });
    await left;
    expect(await note.send(note.append('Après.'))).toMatchObject({ ok: false });
    expect(await afterAMessage(t, witness, nurseLive)).toEqual([]);
  });

  it('leaving on A: the sockets on B leave too', async () => {
    const { t, note, nurseLive, witness } = await setUp();
    const left = nurseLive.waitFor('team:left');
    expectStatus(await post(t.nurse, `/api/teams/${t.team.id}/leave`), 204);
    await left;
    expect(await note.send(note.append('Après.'))).toMatchObject({ ok: false });
    expect(await afterAMessage(t, witness, nurseLive)).toEqual([]);
  });

  it('consent withdrawn on A: every socket on B is read-only at once', async () => {
    const { t, note } = await setUp();
    const closed = note.live.waitFor('note:closed');
    expectStatus(await post(t.creator, `/api/teams/${t.team.id}/consent/withdraw`), 200);
    expect(await closed).toMatchObject({ reason: 'read_only' });
    expect(await note.send(note.append('Sans consentement.'))).toMatchObject({ ok: false });
  });

  it('closure on A: the note on B closes as team_closed', async () => {
    const { t, note } = await setUp();
    const closed = note.live.waitFor('note:closed');
    expectStatus(await post(t.creator, `/api/teams/${t.team.id}/close`, { reason: 'deces' }), 200);
    expect(await closed).toMatchObject({ reason: 'team_closed' });
    expect(await note.send(note.append('Après clôture.'))).toMatchObject({ ok: false });
  });

  it('sign-out on A ends the session’s sockets on B', async () => {
    const { t, nurseLive } = await setUp();
    const disconnected = new Promise<string>((resolve) =>
      nurseLive.socket.on('disconnect', resolve),
    );
    expectStatus(await post(t.nurse, '/api/auth/signout'), 204);
    expect(await disconnected).toBe('io server disconnect');
  });
});

import { randomBytes } from 'node:crypto';
import * as awarenessProtocol from 'y-protocols/awareness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { REDIS_URL, redisAvailable, via } from '../helpers/instances.js';
import { openNote, waitFor } from '../helpers/notes.js';
import { noteText, sameState, storedPieces, WireNote, docFromPieces } from '../helpers/noteWire.js';
import { activeTeam, expectStatus } from '../teamFactories.js';

const hasRedis = await redisAvailable();
if (!hasRedis) console.warn(`[notes-instances] skipped: no Redis at ${REDIS_URL}`);

/**
 * Two instances of one deployment (one database, one Redis), in this process: professionals on
 * either co-edit live, a newcomer on either gets the whole note, cursors cross, and a removal
 * decided on one instance ends the right to write held on the other.
 */
describe.skipIf(!hasRedis)('notes across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  // Instance A's next note store can be held back (an edit applied, published, not stored).
  let holdStore: { reached: () => void; release: Promise<void> } | undefined;
  const hooks = {
    checkpoint: async (name: string) => {
      if (name !== 'note.store' || !holdStore) return;
      const held = holdStore;
      holdStore = undefined;
      held.reached();
      await held.release;
    },
  };
  const clients: Array<{ close(): void }> = [];
  beforeAll(async () => {
    const dbName = `escap_instances_${randomBytes(6).toString('hex')}`;
    a = await startTestApp({ dbName, env: { REDIS_URL }, hooks });
    b = await startTestApp({ dbName, env: { REDIS_URL } });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await a.db.dropDatabase().catch(() => undefined);
    await Promise.all([a.close(), b.close()]);
  });
  const track = <T extends { close(): void }>(c: T) => (clients.push(c), c);

  it('two editors on two instances converge, and a newcomer on either gets every edit', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(a);
    const onA = track(openNote(creator.agent, team.id));
    const onB = track(openNote(via(nurse, b).agent, team.id));
    await Promise.all([onA.saved(), onB.saved()]);
    for (let i = 0; i < 10; i++) {
      onA.type(`a${i} `);
      onB.type(`b${i} `);
    }
    await Promise.all([onA.saved(), onB.saved()]);
    await waitFor(
      () =>
        sameState(onA.doc, onB.doc) &&
        Array.from({ length: 10 }, (_, i) => [`a${i} `, `b${i} `])
          .flat()
          .every((t) => onA.text().includes(t)),
      10_000,
      () => `${onA.text()} | ${onB.text()}`,
    );
    // Newcomers on each instance get the whole note from their own instance's copy.
    for (const instance of [a, b]) {
      const late = track(await WireNote.open(via(pharmacist, instance), team.id));
      expect(sameState(late.doc, onA.doc)).toBe(true);
    }
    const stored = docFromPieces((await storedPieces(a.db, team.id)).updates);
    expect(noteText(stored.doc)).toBe(onA.text());
  });

  it('an instance that opens a note late catches up on an edit not yet stored when it read', async () => {
    const { team, creator, nurse } = await activeTeam(a);
    const writer = track(await WireNote.open(creator, team.id));
    expect(await writer.send(writer.append('Stockée. '))).toMatchObject({ ok: true });
    // The next edit is applied and published by A, but its store is held: when B reads the
    // note from the database, it is not there, and B did not hold the note when it went by.
    let reached!: () => void;
    let release!: () => void;
    const atStore = new Promise<void>((r) => (reached = r));
    holdStore = { reached, release: new Promise<void>((r) => (release = r)) };
    const ack = writer.send(writer.append('En vol.'));
    await atStore;
    const late = track(await WireNote.open(via(nurse, b), team.id));
    // B asked A what its fresh copy lacks: the edit arrives, relayed by B to its newcomer.
    await waitFor(
      () => late.text() === writer.text(),
      10_000,
      () => `${late.text()} | ${writer.text()}`,
    );
    release();
    expect(await ack).toMatchObject({ ok: true });
    // And B's own copy holds it: a second newcomer there gets it from the join.
    const second = track(await WireNote.open(via(nurse, b), team.id));
    expect(second.text()).toBe('Stockée. En vol.');
  });

  it('cursors cross instances, with the names the server gives', async () => {
    const { team, creator, nurse } = await activeTeam(a);
    const onA = track(await WireNote.open(creator, team.id));
    const onB = track(await WireNote.open(via(nurse, b), team.id));
    const awareness = new awarenessProtocol.Awareness(onA.doc);
    awareness.setLocalStateField('user', { name: 'Nom inventé', color: '#123456' });
    const seen = onB.live.waitFor('note:awareness');
    onA.live.socket.emit('note:awareness', {
      ...onA.address,
      update: awarenessProtocol.encodeAwarenessUpdate(awareness, [onA.doc.clientID]),
    });
    const payload = (await seen) as { update: string };
    const remote = new awarenessProtocol.Awareness(onB.doc);
    awarenessProtocol.applyAwarenessUpdate(remote, Buffer.from(payload.update, 'base64'), 'test');
    const state = remote.getStates().get(onA.doc.clientID) as { user: { name: string } };
    expect(state.user.name).toBe(
      `${creator.professional.firstName} ${creator.professional.lastName}`,
    );
    awareness.destroy();
    remote.destroy();
  });

  it('a member removed on one instance can no longer write on the other', async () => {
    const { team, creator, nurse } = await activeTeam(a);
    const onB = track(await WireNote.open(via(nurse, b), team.id));
    expect(await onB.send(onB.append('Avant. '))).toMatchObject({ ok: true });
    const closed = onB.live.waitFor('note:closed');
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    expect(await closed).toMatchObject({ reason: 'not_found' });
    expect(await onB.send(onB.append('Après.'))).toMatchObject({
      ok: false,
      error: { code: 'not_joined' },
    });
    expect((await storedPieces(a.db, team.id)).updates).toHaveLength(1);
  });
});

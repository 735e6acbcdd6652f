import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandHooks } from '../../server/src/commands/command.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { storedPieces, WireNote } from '../helpers/noteWire.js';
import { activeTeam, expectStatus } from '../teamFactories.js';

/**
 * A note join takes a few awaited steps (membership, loading the note, the audit row) before
 * the socket is in the note's room. A removal committed in between takes no socket out of a
 * room it is not in yet: the join must see the removal itself, and the socket must never get
 * the right to write. A checkpoint holds the join after its first membership check.
 */
let paused: { reached: () => void; release: Promise<void> } | undefined;
const hooks: CommandHooks = {
  checkpoint: async (name) => {
    if (name !== 'note.join.loaded' || !paused) return;
    const { reached, release } = paused;
    paused = undefined;
    reached();
    await release;
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ hooks });
});
afterAll(() => t.close());
const clients: WireNote[] = [];
afterEach(() => {
  paused = undefined;
  for (const c of clients.splice(0)) c.close();
});

/** Holds the next note join after its membership check, until `release` is called. */
function holdNextJoin(): { reached: Promise<void>; release: () => void } {
  let reached!: () => void;
  let release!: () => void;
  const reachedP = new Promise<void>((r) => (reached = r));
  paused = { reached, release: new Promise<void>((r) => (release = r)) };
  return { reached: reachedP, release };
}

describe('revocation racing a note join', () => {
  it('a member removed while their join is under way is refused, and can write nothing', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const watcher = await WireNote.open(creator, team.id);
    clients.push(watcher);
    const late = await WireNote.open(nurse, team.id, false);
    clients.push(late);

    const hold = holdNextJoin();
    const joining = late.join();
    await hold.reached;
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    hold.release();
    expect(await joining).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Whatever it sends now is refused and stored nowhere.
    expect(await late.send(late.append('Après retrait'))).toMatchObject({
      ok: false,
      error: { code: 'not_joined' },
    });
    late.live.clear();
    // A member's edit afterwards: had the refused one been relayed, the member's socket would
    // have had it before its own acknowledgement (one connection keeps the server's order).
    expect(await watcher.send(watcher.append('Entre membres'))).toMatchObject({ ok: true });
    expect(watcher.text()).toBe('Entre membres');
    // And the removed socket hears none of it: a round trip on its own connection, sent after
    // the member's edit was relayed, comes back after anything relayed to it.
    await late.live.socket.timeout(3000).emitWithAck('health:ping');
    expect(late.live.received.filter((r) => r.event === 'note:update')).toEqual([]);
    expect((await storedPieces(t.db, team.id)).authors).toEqual([creator.id]);
  });

  it('a consent withdrawn while a join is under way: the note opens read-only', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const late = await WireNote.open(nurse, team.id, false);
    clients.push(late);

    const hold = holdNextJoin();
    const joining = late.join();
    await hold.reached;
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    hold.release();
    expect(await joining).toMatchObject({ ok: true, data: { readOnly: true } });
    expect(await late.send(late.append('Sans consentement'))).toMatchObject({
      ok: false,
      error: { code: 'read_only' },
    });
    expect((await storedPieces(t.db, team.id)).updates).toEqual([]);
  });
});

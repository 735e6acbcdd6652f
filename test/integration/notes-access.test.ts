import * as awarenessProtocol from 'y-protocols/awareness';
import { Types } from 'mongoose';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openNote, waitFor, type NoteClient } from '../helpers/notes.js';
import { eventually, storedPieces, WireNote } from '../helpers/noteWire.js';
import {
  activeTeam,
  buildConsent,
  expectSilence,
  expectStatus,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

/**
 * Who may read and write a note, with real socket.io clients: members only, and only while
 * the team is writable. Rights end at once (removal, closure, consent withdrawn), for sockets
 * already open too.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const clients: Array<{ close(): void }> = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
async function wire(pro: Pro, teamId: string, join = true): Promise<WireNote> {
  const note = await WireNote.open(pro, teamId, join);
  clients.push(note);
  return note;
}
function provider(pro: Pro, teamId: string): NoteClient {
  const note = openNote(pro.agent, teamId);
  clients.push(note);
  return note;
}
const storedCount = async (teamId: string) => (await storedPieces(t.db, teamId)).updates.length;

describe('notes: access', () => {
  it('a non-member is refused at every event and hears nothing from the note room', async () => {
    const { team, creator } = await activeTeam(t);
    const member = await wire(creator, team.id);
    const outsider = await wire(await signUpPro(t), team.id, false);

    expect(await outsider.join()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A well-formed update, as if the outsider had the document: refused, not stored.
    const update = outsider.append('Intrusion');
    expect(await outsider.send(update)).toMatchObject({
      ok: false,
      error: { code: 'not_joined' },
    });
    // Awareness has no ack: it is dropped; the members' cursors list stays untouched.
    const awareness = new awarenessProtocol.Awareness(outsider.doc);
    awareness.setLocalStateField('user', { name: 'Intrus' });
    await expectSilence([member.live], {
      during: async () => {
        outsider.live.socket.emit('note:awareness', {
          ...outsider.address,
          update: awarenessProtocol.encodeAwarenessUpdate(awareness, [outsider.doc.clientID]),
        });
        await outsider.send(outsider.append(' encore'));
      },
    });
    awareness.destroy();

    // What the members write never reaches the outsider.
    await expectSilence([outsider.live], {
      during: async () => {
        expect(await member.send(member.append('Surveillance tensionnelle'))).toMatchObject({
          ok: true,
        });
      },
    });
    const stored = await storedPieces(t.db, team.id);
    expect(stored.authors).toEqual([creator.id]);
    expect(member.text()).toBe('Surveillance tensionnelle');
  });

  it('a removed member is refused at once, gets note:closed and can no longer open the note', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const removed = await wire(nurse, team.id);
    const viaProvider = provider(nurse, team.id);
    await waitFor(() => viaProvider.provider.synced);
    expect(await removed.send(removed.append('Avant retrait. '))).toMatchObject({ ok: true });
    await waitFor(() => doctor.text() === 'Avant retrait. ');

    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    // Right after the answer, before the socket has even heard of it.
    const before = await storedCount(team.id);
    expect(await removed.send(removed.append('Après retrait.'))).toMatchObject({
      ok: false,
      error: { code: 'not_joined' },
    });
    expect(await removed.live.waitFor('note:closed')).toEqual({
      teamId: team.id,
      doc: 'plan',
      reason: 'not_found',
    });
    expect(await removed.join()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await waitFor(() => viaProvider.provider.status === 'unavailable');
    expect(viaProvider.provider.error?.code).toBe('not_found');

    // The team goes on without them.
    removed.live.clear();
    expect(await doctor.send(doctor.append('Suite'))).toMatchObject({ ok: true });
    // The edit is relayed before it is acknowledged: after a round trip, a relay would be in.
    await removed.live.roundTrip();
    expect(removed.live.received.filter((r) => r.event.startsWith('note:'))).toEqual([]);
    expect(await storedCount(team.id)).toBe(before + 1);
    expect(viaProvider.text()).toBe('Avant retrait. ');
  });

  it('closure: open sockets get note:closed; the note opens read-only and refuses updates', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const writer = await wire(nurse, team.id);
    const viaProvider = provider(nurse, team.id);
    await waitFor(() => viaProvider.provider.synced);
    expect(await writer.send(writer.append('Dernières consignes'))).toMatchObject({ ok: true });
    await waitFor(() => viaProvider.text() === 'Dernières consignes');

    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    const before = await storedCount(team.id);
    // Sent at once: the socket is out of the room already.
    expect(await writer.send(writer.append(' tardives'))).toMatchObject({
      ok: false,
      error: { code: 'not_joined' },
    });
    for (const c of [doctor, writer]) {
      expect(await c.live.waitFor('note:closed')).toEqual({
        teamId: team.id,
        doc: 'plan',
        reason: 'team_closed',
      });
    }

    // Re-opened: read-only, with the whole document; every update is refused as team_closed.
    const reader = await wire(nurse, team.id, false);
    const join = await reader.join();
    expect(join).toMatchObject({ ok: true, data: { readOnly: true } });
    expect(reader.text()).toBe('Dernières consignes');
    expect(await reader.send(reader.append(' (après clôture)'))).toMatchObject({
      ok: false,
      error: { code: 'team_closed' },
    });
    expect(await doctor.join()).toMatchObject({ ok: true, data: { readOnly: true } });
    expect(await doctor.send(doctor.append('!'))).toMatchObject({
      ok: false,
      error: { code: 'team_closed' },
    });
    expect(await storedCount(team.id)).toBe(before);

    // The provider went read-only by itself and kept the text.
    await waitFor(() => viaProvider.provider.status === 'read-only');
    expect(viaProvider.text()).toBe('Dernières consignes');
    const late = provider(creator, team.id);
    await waitFor(() => late.provider.synced && late.provider.status === 'read-only');
    expect(late.text()).toBe('Dernières consignes');
  });

  it('consent withdrawn: read_only until a new consent makes the note writable again', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const writer = await wire(nurse, team.id);
    expect(await writer.send(writer.append('Visite J1'))).toMatchObject({ ok: true });

    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    for (const c of [doctor, writer]) {
      expect(await c.live.waitFor('note:closed')).toMatchObject({ reason: 'read_only' });
    }
    const reader = await wire(creator, team.id, false);
    expect(await reader.join()).toMatchObject({ ok: true, data: { readOnly: true } });
    expect(reader.text()).toBe('Visite J1');
    expect(await reader.send(reader.append(' ; J2'))).toMatchObject({
      ok: false,
      error: { code: 'read_only' },
    });
    expect(await storedCount(team.id)).toBe(1);

    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent`, buildConsent()), 200);
    const again = await wire(nurse, team.id, false);
    expect(await again.join()).toMatchObject({ ok: true, data: { readOnly: false } });
    expect(await again.send(again.append(' ; reprise'))).toMatchObject({ ok: true });
    expect(await storedCount(team.id)).toBe(2);
  });

  it('a join for another team, or a malformed address, is the same not_found', async () => {
    const { team, creator } = await activeTeam(t);
    const other = await activeTeam(t);
    const note = await wire(creator, team.id);
    for (const payload of [
      { teamId: other.team.id, doc: 'plan' },
      { teamId: team.id, doc: 'autre' },
      { teamId: 'pas-un-id', doc: 'plan' },
      { teamId: team.id },
      null,
    ]) {
      const message = new Uint8Array([0, 1, 0]);
      const ack = await note.emit('note:join', payload ? { ...payload, message } : payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    // And an update for a note it never opened (another team's) is not_joined.
    const foreign = new Y.Doc();
    foreign.getText('x').insert(0, 'x');
    expect(
      await note.emit('note:update', {
        teamId: other.team.id,
        doc: 'plan',
        update: Y.encodeStateAsUpdate(foreign),
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(await storedCount(other.team.id)).toBe(0);
  });

  it('an edit is audited for its author and note, with the context read at the join', async () => {
    const { team, creator } = await activeTeam(t);
    const note = await wire(creator, team.id);
    expect(await note.send(note.append('Première ligne'))).toMatchObject({ ok: true });
    const edits = () =>
      t.db
        .collection('auditentries')
        .find({ teamId: new Types.ObjectId(team.id), action: 'note.edit' })
        .toArray();
    await eventually(async () => (await edits()).length > 0);
    const [entry, ...more] = await edits();
    expect(more).toEqual([]);
    expect(String(entry!.actorId)).toBe(creator.id);
    expect(entry!.detail).toBe('note:plan');
  });
});

import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeRelay } from '../../shared/src/notes.js';
import type {
  NoteActivityView,
  NoteVersionStateView,
  NoteVersionView,
} from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { eventually, noteText, storedPieces, WireNote } from '../helpers/noteWire.js';
import { openNote, waitFor } from '../helpers/notes.js';
import { activeTeam, expectError, expectStatus, signUpPro, type Pro } from '../teamFactories.js';

/** Who wrote what (set by the server from the session) and named versions. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const clients: WireNote[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
async function wire(pro: Pro, teamId: string, join = true): Promise<WireNote> {
  const note = await WireNote.open(pro, teamId, join);
  clients.push(note);
  return note;
}
const nameOf = (pro: Pro) => `${pro.input.firstName} ${pro.input.lastName}`;

describe('notes: attribution', () => {
  it('the author of a stored and relayed update is the session, whatever the client claims', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const writer = await wire(nurse, team.id);

    // Claiming an author in the payload is not part of the contract: refused, not stored.
    const claimed = writer.append('Je suis le médecin');
    expect(
      await writer.emit('note:update', {
        ...writer.address,
        update: claimed,
        author: { id: creator.id, name: nameOf(creator) },
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_update' } });
    expect((await storedPieces(t.db, team.id)).updates).toHaveLength(0);

    // The same update, sent plainly, is stored as the nurse's and relayed as hers.
    doctor.live.clear();
    expect(await writer.send(claimed)).toMatchObject({ ok: true });
    const relayed = await doctor.live.waitFor('note:update');
    expect(relayed.author).toEqual({ id: nurse.id, name: nameOf(nurse) });
    expect(Buffer.from(decodeRelay(relayed.update)).equals(Buffer.from(claimed))).toBe(true);
    expect(doctor.text()).toBe('Je suis le médecin');
    expect(await writer.send(writer.append('.'))).toMatchObject({ ok: true });
    expect(await doctor.send(doctor.append(' Non.'))).toMatchObject({ ok: true });
    expect((await storedPieces(t.db, team.id)).authors).toEqual([nurse.id, nurse.id, creator.id]);
  });

  it('awareness states reach the others with the server’s name and id, not the client’s', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const writer = await wire(nurse, team.id);
    const mine = new awarenessProtocol.Awareness(writer.doc);
    mine.setLocalState({
      user: { id: creator.id, name: 'Dr Imposteur', color: '#ff0000' },
      cursor: { anchor: 1, head: 3 },
    });
    doctor.live.clear();
    writer.live.socket.emit('note:awareness', {
      ...writer.address,
      update: awarenessProtocol.encodeAwarenessUpdate(mine, [writer.doc.clientID]),
    });
    const got = await doctor.live.waitFor('note:awareness');
    const theirs = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(theirs, decodeRelay(got.update), 'remote');
    expect(theirs.getStates().get(writer.doc.clientID)).toEqual({
      user: { id: nurse.id, name: nameOf(nurse), color: '#ff0000' },
      cursor: { anchor: 1, head: 3 },
    });

    // When the socket goes, the others are told to drop its cursor.
    doctor.live.clear();
    writer.close();
    const removal = await doctor.live.waitFor('note:awareness');
    awarenessProtocol.applyAwarenessUpdate(theirs, decodeRelay(removal.update), 'remote');
    expect(theirs.getStates().has(writer.doc.clientID)).toBe(false);
    mine.destroy();
    theirs.destroy();
  });

  it('activity shows who wrote what, one row per author for a burst of edits', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const writer = await wire(nurse, team.id);
    // Typed fast: every keystroke sent without waiting for the previous ack.
    await Promise.all(
      [...'Glycémie 1,2 g/L'].map((ch) =>
        doctor.send(doctor.append(ch)).then((a) => expect(a.ok).toBe(true)),
      ),
    );
    await waitFor(() => writer.text() === 'Glycémie 1,2 g/L');
    expect(await writer.send(writer.append(' ; pansement fait'))).toMatchObject({ ok: true });
    const removed = writer.edit((f) => {
      const text = (f.get(0) as Y.XmlElement).get(0) as Y.XmlText;
      text.delete(text.length - 4, 4);
    });
    expect(await writer.send(removed)).toMatchObject({ ok: true });

    const url = `/api/teams/${team.id}/notes/plan/activity`;
    // Activity is written after the ack: wait for all of it to be there.
    let activity: NoteActivityView[] = [];
    await eventually(async () => {
      const res = await pharmacist.agent.get<{ activity: NoteActivityView[] }>(url);
      activity = expectStatus(res, 200).activity;
      const edits = activity.reduce((n, a) => n + a.inserted.length, 0);
      return (
        activity.some((a) => a.deleted === 4) && edits >= 'Glycémie 1,2 g/L ; pansement fait'.length
      );
    });
    // Opening the note writes nothing: the sync of a newcomer (whose copy holds everyone's
    // deletions) is not an edit of theirs.
    const reader = openNote(pharmacist.agent, team.id);
    await waitFor(() => reader.provider.synced && reader.provider.status === 'saved');
    // Whatever the reader sent is acknowledged ('saved'), and an edit's activity is gathered
    // as it is acknowledged: writing what is gathered now shows all of it.
    await t.app.services.notes.flushActivity();
    reader.close();
    activity = expectStatus(
      await pharmacist.agent.get<{ activity: NoteActivityView[] }>(url),
      200,
    ).activity;
    const byAuthor = (pro: Pro) => activity.filter((a) => a.author.id === pro.id);
    expect(byAuthor(pharmacist)).toEqual([]);
    expect(byAuthor(creator)).toHaveLength(1);
    expect(byAuthor(creator)[0]).toMatchObject({
      author: { id: creator.id, firstName: creator.input.firstName },
      inserted: 'Glycémie 1,2 g/L',
      deleted: 0,
    });
    expect(byAuthor(nurse)).toEqual([
      expect.objectContaining({ inserted: ' ; pansement fait', deleted: 4 }),
    ]);

    const outsider = await signUpPro(t);
    expectError(await outsider.agent.get(url), 404, 'not_found');
  });
});

describe('notes: named versions', () => {
  it('a version keeps the text of its time while the note moves on; members only', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    expect(await doctor.send(doctor.append('Plan initial'))).toMatchObject({ ok: true });
    const base = `/api/teams/${team.id}/notes/plan/versions`;

    const created = expectStatus(
      await nurse.agent.post<{ version: NoteVersionView }>(base, { name: '  Version RCP  ' }),
      201,
    ).version;
    expect(created).toMatchObject({ name: 'Version RCP', createdBy: { id: nurse.id } });
    expect(await doctor.send(doctor.append(' puis modifié'))).toMatchObject({ ok: true });
    expectStatus(await creator.agent.post(base, { name: 'Après visite' }), 201);

    const list = expectStatus(await nurse.agent.get<{ versions: NoteVersionView[] }>(base), 200);
    expect(list.versions.map((v) => v.name)).toEqual(['Après visite', 'Version RCP']);
    const got = expectStatus(
      await creator.agent.get<{ version: NoteVersionStateView }>(`${base}/${created.id}`),
      200,
    ).version;
    expect(got).toMatchObject({ id: created.id, name: 'Version RCP', createdBy: { id: nurse.id } });
    const old = new Y.Doc();
    Y.applyUpdate(old, Buffer.from(got.state, 'base64'));
    expect(noteText(old)).toBe('Plan initial');
    expect(doctor.text()).toBe('Plan initial puis modifié');

    // Bad input, unknown ids and other teams' versions.
    expectError(await nurse.agent.post(base, { name: ' ' }), 400, 'validation_failed');
    expectError(await nurse.agent.post(base, { name: 'x'.repeat(101) }), 400, 'validation_failed');
    expectError(await nurse.agent.get(`${base}/pas-un-id`), 404, 'not_found');
    expectError(await nurse.agent.get(`${base}/${'0'.repeat(24)}`), 404, 'not_found');
    const other = await activeTeam(t);
    expectError(
      await other.creator.agent.get(
        `/api/teams/${other.team.id}/notes/plan/versions/${created.id}`,
      ),
      404,
      'not_found',
    );

    // Non-members: 404 everywhere, and nothing created.
    const outsider = await signUpPro(t);
    expectError(await outsider.agent.get(base), 404, 'not_found');
    expectError(await outsider.agent.get(`${base}/${created.id}`), 404, 'not_found');
    expectError(await outsider.agent.post(base, { name: 'Intrus' }), 404, 'not_found');
    expectError(await outsider.agent.post(base, {}), 404, 'not_found');
    expect(await t.db.collection('noteversions').countDocuments({ docId: `${team.id}:plan` })).toBe(
      2,
    );

    // A closed team's versions can be read, not created.
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    expectError(await creator.agent.post(base, { name: 'Trop tard' }), 409, 'team_closed');
    expect(
      expectStatus(await nurse.agent.get<{ versions: unknown[] }>(base), 200).versions,
    ).toHaveLength(2);
    expectStatus(await nurse.agent.get(`${base}/${created.id}`), 200);
  });

  it('versions are refused while consent is withdrawn (read_only)', async () => {
    const { team, nurse } = await activeTeam(t);
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expectError(
      await nurse.agent.post(`/api/teams/${team.id}/notes/plan/versions`, { name: 'V1' }),
      409,
      'read_only',
    );
  });
});

describe('notes: live history', () => {
  it('members who opened the note hear when its activity and its versions change; nobody else does', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const doctor = await wire(creator, team.id);
    const writer = await wire(nurse, team.id);
    // A member connected but not on the note, and a member of another team on theirs.
    const elsewhere = await wire(pharmacist, team.id, false);
    const other = await activeTeam(t);
    const outsider = await wire(other.creator, other.team.id);

    expect(await writer.send(writer.append('Pansement fait'))).toMatchObject({ ok: true });
    await t.app.services.notes.flushActivity();
    const heard = await doctor.live.waitFor('note:history', (h) => h.part === 'activity');
    expect(heard).toEqual({ teamId: team.id, doc: 'plan', part: 'activity' });
    // The writer's own page hears it too: its panel shows its own lines.
    await writer.live.waitFor('note:history', (h) => h.part === 'activity');

    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/notes/plan/versions`, { name: 'RCP' }),
      201,
    );
    await writer.live.waitFor('note:history', (h) => h.part === 'versions');

    // Everything sent to the note's room has reached each socket by the end of a round trip.
    await Promise.all([elsewhere.live.roundTrip(), outsider.live.roundTrip()]);
    expect(elsewhere.live.received.filter((r) => r.event === 'note:history')).toEqual([]);
    expect(outsider.live.received.filter((r) => r.event === 'note:history')).toEqual([]);
  });
});

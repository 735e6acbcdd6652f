import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removalUpdate } from '../../server/src/notes/awareness.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openNote, waitFor } from '../helpers/notes.js';
import { WireNote, storedPieces } from '../helpers/noteWire.js';
import { activeTeam, expectStatus, roundTrip } from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('notes: sync details', () => {
  it('acknowledges a no-op sync without storing a row', async () => {
    const { team, creator } = await activeTeam(t);
    const a = openNote(creator.agent, team.id);
    await waitFor(() => a.provider.synced);
    a.type('Une ligne puis effacée');
    await a.saved();
    a.doc.transact(() => {
      const text = a.doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
      (text.get(0) as Y.XmlText).delete(0, 4);
    });
    await a.saved();
    const before = (await storedPieces(t.db, team.id)).updates.length;
    // Re-sending the whole state (as a reconnecting client's sync does) changes nothing.
    const wire = await WireNote.open(creator, team.id);
    const ack = await wire.send(Y.encodeStateAsUpdate(a.doc));
    expect(ack).toEqual({ ok: true, data: { stored: true } });
    expect((await storedPieces(t.db, team.id)).updates.length).toBe(before);
    a.close();
    wire.close();
  });

  it('serves every newcomer with an empty copy the whole state, edits included', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const writer = await WireNote.open(creator, team.id);
    expect(await writer.send(writer.append('Kiné 3x/sem.'))).toMatchObject({ ok: true });
    // Two empty newcomers in a row (the second is served the encoded state kept in memory).
    const first = await WireNote.open(nurse, team.id);
    const second = await WireNote.open(pharmacist, team.id);
    expect(first.text()).toBe('Kiné 3x/sem.');
    expect(second.text()).toBe('Kiné 3x/sem.');
    // An edit makes the kept state stale: the next newcomer gets the edit too.
    expect(await writer.send(writer.append(' Pansement J+2.'))).toMatchObject({ ok: true });
    const third = await WireNote.open(nurse, team.id);
    expect(third.text()).toBe('Kiné 3x/sem. Pansement J+2.');
    for (const n of [writer, first, second, third]) n.close();
  });

  it('does not let a socket move or remove another client’s cursor', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const a = openNote(creator.agent, team.id);
    const b = openNote(nurse.agent, team.id);
    const watcher = openNote(pharmacist.agent, team.id);
    await waitFor(() => a.provider.synced && b.provider.synced && watcher.provider.synced);
    a.provider.awareness.setLocalStateField('cursor', { at: 1 });
    await waitFor(() => watcher.provider.awareness.getStates().get(a.doc.clientID) !== undefined);

    // b forges an awareness update that removes a's state (a clock far ahead of a's).
    const removal = removalUpdate(new Map([[a.doc.clientID, 1000]]));
    b.socket.emit('note:awareness', { teamId: team.id, doc: 'plan', update: removal });
    // Once b's ping is answered the server has handled the forgery (in order, synchronously),
    // and once the watcher's is, anything relayed to it has arrived.
    await roundTrip(b.socket);
    await roundTrip(watcher.socket);
    const state = watcher.provider.awareness.getStates().get(a.doc.clientID) as
      { user?: { name?: string } } | undefined;
    expect(state?.user?.name).toBe(`${creator.input.firstName} ${creator.input.lastName}`);
    for (const c of [a, b, watcher]) c.close();
  });

  it('makes a read-only note writable again after a new consent, without a reload', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = openNote(creator.agent, team.id);
    await waitFor(() => a.provider.synced);
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    await waitFor(() => a.provider.readOnly && a.provider.status === 'read-only');
    expectStatus(
      await nurse.agent.post(`/api/teams/${team.id}/consent`, {
        date: '2026-11-20',
        method: 'ecrit',
      }),
      200,
    );
    await waitFor(() => !a.provider.readOnly && a.provider.status === 'saved');
    a.type('De nouveau modifiable');
    await a.saved();
    expect(a.text()).toContain('De nouveau modifiable');
    a.close();
  });

  it('shows a newcomer who is already here, from the server, without anyone answering', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = openNote(creator.agent, team.id);
    await waitFor(() => a.provider.synced);
    a.provider.awareness.setLocalStateField('cursor', { at: 3 });
    // The server has a's state once it has answered a ping sent after it.
    await roundTrip(a.socket);
    const sentByA = () => a.provider.awareness.getLocalState();
    const b = openNote(nurse.agent, team.id);
    // The server sends the states it holds right after its answer to the join: once b is
    // synced and its ping answered, they are in. (a never answers arrivals, and renews its
    // own state only 15 s after its last change.)
    await waitFor(() => b.provider.synced);
    await roundTrip(b.socket);
    expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(true);
    const seen = b.provider.awareness.getStates().get(a.doc.clientID) as {
      user?: { name?: string };
    };
    expect(seen.user?.name).toBe(`${creator.input.firstName} ${creator.input.lastName}`);
    expect(sentByA()).not.toBeNull();
    a.close();
    b.close();
  });
});

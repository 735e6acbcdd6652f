import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { openConnection } from '../../server/src/db/connection.js';
import { registerNoteModels, type NoteModels } from '../../server/src/notes/model.js';
import { NoteStore } from '../../server/src/notes/store.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openNote, waitFor } from '../helpers/notes.js';
import {
  appendText,
  docFromPieces,
  eventually,
  noteText,
  sameState,
  storedPieces,
  WireNote,
} from '../helpers/noteWire.js';
import { activeTeam } from '../teamFactories.js';

/** An acknowledged edit is in the database; compaction changes how it is stored, never what. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { NOTE_COMPACT_AFTER: '5' } });
});
afterAll(() => t.close());

/** Whether the stored pieces hold this client's edits up to `clock`, and nothing pending. */
async function storedUpTo(teamId: string, client: number, clock: number): Promise<boolean> {
  const { snapshots, updates } = await storedPieces(t.db, teamId);
  const { doc, clean } = docFromPieces([...snapshots, ...updates]);
  return clean && Y.getState(doc.store, client) >= clock;
}

describe('notes: stored before the acknowledgement', () => {
  it('each acknowledged edit is in the database when its ack arrives, one by one and in bursts', async () => {
    const { team, creator } = await activeTeam(t);
    const writer = await WireNote.open(creator, team.id);
    const me = writer.doc.clientID;

    for (let i = 0; i < 12; i++) {
      const update = writer.append(`mot${i} `);
      const clock = Y.getState(writer.doc.store, me);
      expect(await writer.send(update)).toEqual({ ok: true, data: { stored: true } });
      expect(await storedUpTo(team.id, me, clock)).toBe(true);
    }

    // A burst sent without waiting: the check runs in each ack callback, as the ack arrives.
    const checks: Array<Promise<boolean>> = [];
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => {
        const update = writer.append(`rafale${i} `);
        const clock = Y.getState(writer.doc.store, me);
        return writer.send(update).then((ack) => {
          checks.push(storedUpTo(team.id, me, clock));
          expect(ack.ok).toBe(true);
        });
      }),
    );
    expect(await Promise.all(checks)).toEqual(checks.map(() => true));
    writer.close();
  });
});

describe('notes: a failed write', () => {
  it('is refused, and every socket then works on one reloaded copy of the note', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const a = openNote(creator.agent, team.id);
    const b = openNote(nurse.agent, team.id);
    await waitFor(() => a.provider.synced && b.provider.synced);
    a.type('Début ');
    await a.saved();
    await waitFor(() => b.text() === 'Début ');

    const insertMany = vi
      .spyOn(t.db.model('NoteUpdate').collection, 'insertMany')
      .mockRejectedValueOnce(new Error('write failed'));
    a.type('perdu ');
    await waitFor(() => a.provider.status !== 'saving' && insertMany.mock.calls.length > 0);
    insertMany.mockRestore();
    // The other member already had the lost edit (relayed before the write) and goes on.
    await waitFor(() => b.text() === 'Début perdu ');
    b.type('suite ');
    // The author's provider syncs again and sends what was lost.
    await waitFor(() => a.provider.status === 'saved' && b.provider.status === 'saved', 8000);
    b.type('fin');
    await waitFor(() => a.text().endsWith('fin') && b.provider.status === 'saved', 8000);

    // A newcomer, and the database, hold everything: one copy of the note, not two.
    const c = openNote(pharmacist.agent, team.id);
    await waitFor(() => c.provider.synced);
    expect(c.text()).toBe(b.text());
    expect(sameState(c.doc, b.doc)).toBe(true);
    const stored = await storedPieces(t.db, team.id);
    const fromStore = docFromPieces([...stored.snapshots, ...stored.updates]);
    expect(fromStore.clean).toBe(true);
    expect(noteText(fromStore.doc)).toBe(b.text());
    for (const x of [a, b, c]) x.close();
  });
});

describe('notes: compaction', () => {
  it('after many edits the note is stored as snapshots, and reads exactly the same', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const a = await WireNote.open(creator, team.id);
    const b = await WireNote.open(nurse, team.id);
    for (let i = 0; i < 40; i++) {
      const w = i % 3 === 0 ? b : a;
      const update =
        i % 7 === 6
          ? w.edit((f) => {
              const text = (f.get(f.length - 1) as Y.XmlElement).get(0) as Y.XmlText;
              text.delete(0, 2);
            })
          : i % 5 === 4
            ? w.edit((f) => {
                const p = new Y.XmlElement('paragraph');
                f.push([p]);
                const text = new Y.XmlText();
                p.push([text]);
                text.insert(0, `§${i} `);
              })
            : w.append(`e${i} `);
      expect(await w.send(update)).toMatchObject({ ok: true });
      await waitFor(() => sameState(a.doc, b.doc));
    }
    // Compaction runs in the background after every 5 stored updates.
    await eventually(async () => (await storedPieces(t.db, team.id)).updates.length < 5);
    const stored = await storedPieces(t.db, team.id);
    expect(stored.snapshots.length).toBeGreaterThanOrEqual(1);
    const fromStore = docFromPieces([...stored.snapshots, ...stored.updates]);
    expect(fromStore.clean).toBe(true);
    expect(sameState(fromStore.doc, a.doc)).toBe(true);

    // A fresh client reads the same state: same text, same state vector, same content.
    const fresh = openNote(creator.agent, team.id);
    await waitFor(() => fresh.provider.synced);
    expect(fresh.text()).toBe(noteText(a.doc));
    expect(sameState(fresh.doc, a.doc)).toBe(true);
    // And editing goes on on top of the snapshot.
    fresh.type('fin');
    await fresh.saved();
    await waitFor(() => noteText(a.doc).endsWith('fin'));
    for (const c of [a, b, fresh]) c.close();
  });
});

describe('NoteStore (against the database)', () => {
  let conn: Connection;
  let models: NoteModels;
  beforeAll(async () => {
    conn = await openConnection(inject('mongoUri'), {
      dbName: `escap_store_${randomBytes(6).toString('hex')}`,
    });
    models = registerNoteModels(conn);
  });
  afterAll(async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  const teamId = new Types.ObjectId();
  const authorId = new Types.ObjectId();
  const entry = (update: Uint8Array) => ({ update, authorId, teamId, at: new Date() });
  /** Updates of a document typed by two writers, in the order they were made. */
  function history(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
    const doc = new Y.Doc();
    const other = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    other.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'sync') Y.applyUpdate(doc, u);
    });
    for (let i = 0; i < n; i++) {
      Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)), 'sync');
      const w = i % 2 ? other : doc;
      if (i % 9 === 8) w.transact(() => w.getXmlFragment('prosemirror').delete(0, 1));
      else w.transact(() => appendText(w.getXmlFragment('prosemirror'), `${i}-`));
    }
    return { doc, updates };
  }
  const loaded = async (store: NoteStore, docId: string) => {
    const { pieces } = await store.load(docId);
    return docFromPieces(pieces);
  };

  /** Whether the stored pieces of a document hold everything an update inserts. */
  const holds = async (store: NoteStore, docId: string, update: Uint8Array) => {
    const { doc } = await loaded(store, docId);
    return [...Y.parseUpdateMeta(update).to].every(
      ([client, clock]) => Y.getState(doc.store, client) >= clock,
    );
  };

  it('groups concurrent writes, and resolves each only once it is stored', async () => {
    const store = new NoteStore(models);
    const insertMany = vi.spyOn(models.NoteUpdate.collection, 'insertMany');
    const { doc, updates } = history(60);
    const stored: boolean[] = [];
    await Promise.all(
      updates.map((u, i) =>
        store.store('grouped', entry(u)).then(async () => {
          stored[i] = await holds(store, 'grouped', u);
        }),
      ),
    );
    expect(stored.filter(Boolean)).toHaveLength(updates.length);
    const writes = insertMany.mock.calls.length;
    expect(writes).toBeLessThan(updates.length / 4);
    insertMany.mockRestore();
    // One document, one author: each write merged its edits into one row.
    expect(await models.NoteUpdate.countDocuments({ docId: 'grouped' })).toBe(writes);
    const { doc: back, clean } = await loaded(store, 'grouped');
    expect(clean).toBe(true);
    expect(sameState(back, doc)).toBe(true);
  });

  it('with a linger, edits arriving one after another share one write and one row', async () => {
    const store = new NoteStore(models, { lingerMs: 30 });
    const insertMany = vi.spyOn(models.NoteUpdate.collection, 'insertMany');
    const { doc, updates } = history(5);
    // Without a linger the first edit leaves alone and the others follow in a second write.
    const stored: boolean[] = [];
    await Promise.all(
      updates.map((u) =>
        store.store('lingered', entry(u)).then(async () => {
          stored.push(await holds(store, 'lingered', u));
        }),
      ),
    );
    expect(insertMany).toHaveBeenCalledTimes(1);
    expect(stored).toEqual([true, true, true, true, true]);
    insertMany.mockRestore();
    expect(await models.NoteUpdate.countDocuments({ docId: 'lingered' })).toBe(1);
    expect(sameState((await loaded(store, 'lingered')).doc, doc)).toBe(true);
  });

  it('a failed write rejects its whole batch and the next write goes through', async () => {
    const store = new NoteStore(models);
    const { updates } = history(3);
    const insertMany = vi
      .spyOn(models.NoteUpdate.collection, 'insertMany')
      .mockRejectedValueOnce(new Error('disk full'));
    await expect(store.store('failing', entry(updates[0]!))).rejects.toThrow('disk full');
    insertMany.mockRestore();
    await store.store('failing', entry(updates[0]!));
    expect(await models.NoteUpdate.countDocuments({ docId: 'failing' })).toBe(1);
  });

  it('compact merges the stored updates into one snapshot with the same state', async () => {
    const store = new NoteStore(models);
    const { doc, updates } = history(50);
    // Stored out of order (as several writers race): pieces apply in any order.
    const shuffled = [...updates].sort((x, y) => x[x.length - 1]! - y[y.length - 1]!);
    for (const u of shuffled) await store.store('compacted', entry(u));
    const before = await loaded(store, 'compacted');
    expect(before.clean).toBe(true);

    const result = await store.compact('compacted', teamId);
    expect(result.merged).toBe(updates.length);
    expect(await models.NoteUpdate.countDocuments({ docId: 'compacted' })).toBe(0);
    expect(await models.NoteSnapshot.countDocuments({ docId: 'compacted' })).toBe(1);
    const after = await loaded(store, 'compacted');
    expect(after.clean).toBe(true);
    expect(sameState(after.doc, before.doc)).toBe(true);
    expect(sameState(after.doc, doc)).toBe(true);
    expect(noteText(after.doc)).toBe(noteText(doc));

    // Nothing to do twice; more edits then merge into the one snapshot again.
    expect(await store.compact('compacted', teamId)).toEqual({ merged: 0, bytes: 0 });
    doc.transact(() => appendText(doc.getXmlFragment('prosemirror'), 'suite'));
    await store.store(
      'compacted',
      entry(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(after.doc))),
    );
    expect((await store.compact('compacted', teamId)).merged).toBe(1);
    expect(await models.NoteSnapshot.countDocuments({ docId: 'compacted' })).toBe(1);
    expect(sameState((await loaded(store, 'compacted')).doc, doc)).toBe(true);
  });

  it('writes racing a compaction are kept, and a crash mid-compaction reads the same', async () => {
    const store = new NoteStore(models);
    const { doc, updates } = history(40);
    for (const u of updates.slice(0, 30)) await store.store('racing', entry(u));
    await Promise.all([
      store.compact('racing', teamId),
      ...updates.slice(30).map((u) => store.store('racing', entry(u))),
    ]);
    const { doc: back, clean } = await loaded(store, 'racing');
    expect(clean).toBe(true);
    expect(sameState(back, doc)).toBe(true);

    // A crash after the snapshot was written but before the merged pieces were removed:
    // both are there, and Yjs updates are idempotent.
    const merged = Y.mergeUpdates(updates);
    await models.NoteSnapshot.create({
      docId: 'racing',
      teamId,
      state: Buffer.from(merged),
      at: new Date(),
    });
    const twice = await loaded(store, 'racing');
    expect(twice.clean).toBe(true);
    expect(sameState(twice.doc, doc)).toBe(true);
    await store.compact('racing', teamId);
    expect(await models.NoteSnapshot.countDocuments({ docId: 'racing' })).toBe(1);
    expect(sameState((await loaded(store, 'racing')).doc, doc)).toBe(true);
  });
});

import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openConnection } from '../../server/src/db/connection.js';
import { registerNoteModels, type NoteModels } from '../../server/src/notes/model.js';
import { NoteStore } from '../../server/src/notes/store.js';
import { everySchedule, Interleaving } from '../helpers/interleave.js';
import { appendText, docFromPieces, noteText, seeded } from '../helpers/noteWire.js';

/**
 * `NoteStore.load` against compactions (and stores) running at the same time, on other
 * instances: the database operations of each are let go one at a time in a chosen order
 * (test/helpers/interleave.ts), every order for one load and one compaction, many seeded
 * orders for a load, two compactions and a store. Whatever the order, a load holds every edit
 * stored before it began.
 */
let conn: Connection;
let models: NoteModels;
beforeAll(async () => {
  conn = await openConnection(inject('mongoUri'), {
    dbName: `escap_interleave_${randomBytes(6).toString('hex')}`,
  });
  models = registerNoteModels(conn);
});
afterAll(async () => {
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
});

const teamId = new Types.ObjectId();
const authorId = new Types.ObjectId();
let docs = 0;

/**
 * A stored note: a snapshot of its first edits (an earlier compaction) and the later edits as
 * updates, one of them a deletion, so that a compaction deletes both kinds of piece.
 */
async function storedNote(): Promise<{ docId: string; doc: Y.Doc }> {
  const docId = `interleave-${++docs}`;
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const fragment = doc.getXmlFragment('prosemirror');
  for (const word of ['Plan ', 'de ', 'soins ']) doc.transact(() => appendText(fragment, word));
  await models.NoteSnapshot.create({
    docId,
    teamId,
    state: Buffer.from(Y.mergeUpdates(updates.splice(0))),
    at: new Date(),
  });
  for (const word of ['IDE ', 'matin ', 'et soir']) doc.transact(() => appendText(fragment, word));
  doc.transact(() => {
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(text.length - 'et soir'.length, 'et soir'.length);
  });
  await models.NoteUpdate.insertMany(
    updates.map((u) => ({ docId, teamId, authorId, at: new Date(), update: Buffer.from(u) })),
  );
  return { docId, doc };
}

/** An edit made on top of `doc` by another client (a store racing the others). */
function laterEdit(doc: Y.Doc): Uint8Array {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(other);
  other.transact(() => appendText(other.getXmlFragment('prosemirror'), ' + kiné'));
  return Y.encodeStateAsUpdate(other, before);
}

/** Whether the pieces apply cleanly and hold at least everything `expected` holds. */
function holdsAll(pieces: Uint8Array[], expected: Y.Doc, extraText = ''): boolean {
  const { doc, clean } = docFromPieces(pieces);
  const have = Y.decodeStateVector(Y.encodeStateVector(doc));
  const want = Y.decodeStateVector(Y.encodeStateVector(expected));
  const covered = [...want].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
  const text = noteText(doc);
  return (
    clean && covered && (text === noteText(expected) || text === noteText(expected) + extraText)
  );
}

/** Labels of the trace, to check that a schedule of interest was among those run. */
const position = (trace: string[], label: string) => trace.indexOf(label);

describe('NoteStore: load and compaction in every interleaving', () => {
  it('a load holds every stored edit whatever the order of its reads and the compaction’s writes', async () => {
    const traces: string[][] = [];
    const schedules = await everySchedule(async (choose) => {
      const { docId, doc } = await storedNote();
      const run = new Interleaving(choose);
      const loader = new NoteStore(run.models('load', models));
      const compactor = new NoteStore(run.models('compact', models));
      const { load, compact } = await run.run({
        load: () => loader.load(docId),
        compact: () => compactor.compact(docId, teamId),
      });
      expect(holdsAll(load.pieces, doc), run.trace.join(' → ')).toBe(true);
      expect(compact.merged).toBe(4);
      // And the compaction itself lost nothing.
      expect(holdsAll((await new NoteStore(models).load(docId)).pieces, doc)).toBe(true);
      traces.push(run.trace);
    });
    expect(schedules).toBe(traces.length);

    // The orders that matter were among them: the load's first read after the snapshot was
    // written and before the merged updates were deleted, its second read after the
    // deletion; and both reads on either side of the whole compaction. (Reading the
    // snapshots first, or both at once, fails in some of these orders.)
    const written = 'compact:create notesnapshots';
    const deleted = 'compact:deleteMany noteupdates';
    const first = 'load:find noteupdates';
    const second = 'load:find notesnapshots';
    const between = traces.some(
      (t) =>
        position(t, written) < position(t, first) &&
        position(t, first) < position(t, deleted) &&
        position(t, deleted) < position(t, second),
    );
    const across = traces.some(
      (t) =>
        position(t, first) < position(t, 'compact:find noteupdates') &&
        position(t, deleted) < position(t, second),
    );
    expect({ between, across }).toEqual({ between: true, across: true });
  });

  it(
    'two compactions, a store and a load at once: nothing stored is lost, in 100 seeded orders',
    { timeout: 60_000 },
    async () => {
      const rng = seeded(0x10ad);
      for (let i = 0; i < 100; i++) {
        const { docId, doc } = await storedNote();
        const run = new Interleaving((waiting) => Math.floor(rng() * waiting.length));
        const one = new NoteStore(run.models('one', models));
        const two = new NoteStore(run.models('two', models));
        const writer = new NoteStore(run.models('store', models));
        const reader = new NoteStore(run.models('load', models));
        const edit = laterEdit(doc);
        const { load } = await run.run({
          one: () => one.compact(docId, teamId),
          two: () => two.compact(docId, teamId),
          store: () => writer.store(docId, { update: edit, authorId, teamId, at: new Date() }),
          load: () => reader.load(docId),
        });
        const trace = run.trace.join(' → ');
        // The load may or may not see the racing store (it was not acknowledged when the load
        // began); everything stored before, it holds.
        expect(holdsAll(load.pieces, doc, ' + kiné'), trace).toBe(true);
        // Afterwards the database holds everything, the racing store included, and one more
        // compaction leaves one snapshot that reads the same.
        Y.applyUpdate(doc, edit);
        const store = new NoteStore(models);
        expect(holdsAll((await store.load(docId)).pieces, doc), trace).toBe(true);
        await store.compact(docId, teamId);
        expect(await models.NoteSnapshot.countDocuments({ docId })).toBe(1);
        expect(await models.NoteUpdate.countDocuments({ docId })).toBe(0);
        expect(holdsAll((await store.load(docId)).pieces, doc), trace).toBe(true);
      }
    },
  );
});

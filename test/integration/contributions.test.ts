import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { WireNote } from '../helpers/noteWire.js';
import { activeTeam } from '../teamFactories.js';

/** Per-member, per-year contribution counters: the ledger's input. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const notes: WireNote[] = [];
afterEach(() => {
  for (const n of notes.splice(0)) n.close();
});

interface CounterRow {
  year: number;
  teamId: Types.ObjectId;
  note: number;
  message: number;
  task: number;
  total: number;
}
const counters = (proId: string) =>
  t.db
    .collection<CounterRow>('contributioncounters')
    .find({ professionalId: new Types.ObjectId(proId) })
    .toArray();

describe('contribution counters', () => {
  it('count concurrent first contributions once each, in the Paris year of each', async () => {
    const { team, nurse } = await activeTeam(t);
    const { contributions } = t.app.services;
    const at = new Date('2026-12-31T22:30:00Z'); // 23:30 in Paris: still 2026
    await Promise.all(
      Array.from({ length: 8 }, () => contributions.record(team.id, nurse.id, 'message', at)),
    );
    await contributions.record(team.id, nurse.id, 'task', new Date('2026-12-31T23:30:00Z'));
    await contributions.record(team.id, nurse.id, 'message', new Date('2026-03-01T10:00:00Z'));
    const rows = (await counters(nurse.id)).sort((a, b) => a.year - b.year);
    expect(rows.map((r) => [r.year, r.message, r.task, r.note, r.total])).toEqual([
      [2026, 9, 0, 0, 9],
      [2027, 0, 1, 0, 1],
    ]);
  });

  it('records a batch in one bulk write, racing single records without losing any', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const { contributions } = t.app.services;
    const base = Date.parse('2026-05-10T08:00:00Z');
    const batch = [nurse, creator, nurse].map((pro, i) => ({
      teamId: team.id,
      professionalId: pro.id,
      kind: 'note' as const,
      at: new Date(base + i * 60_000),
    }));
    // Single records of the same counters at the same time: one side loses the insert race.
    await Promise.all([
      contributions.recordMany(batch),
      contributions.record(team.id, nurse.id, 'message', new Date(base - 60_000)),
      contributions.record(team.id, creator.id, 'task', new Date(base + 10 * 60_000)),
    ]);
    const [nurseRows, creatorRows] = await Promise.all([counters(nurse.id), counters(creator.id)]);
    expect(nurseRows.map((r) => [r.note, r.message, r.task, r.total])).toEqual([[2, 1, 0, 3]]);
    expect(creatorRows.map((r) => [r.note, r.message, r.task, r.total])).toEqual([[1, 0, 1, 2]]);
  });

  it('counts a note editing session as one contribution of its author', async () => {
    const { team, nurse } = await activeTeam(t);
    const note = await WireNote.open(nurse, team.id);
    notes.push(note);
    // Flushed between edits: later flushes extend the row the first one opened.
    for (const word of ['Pansement ', 'quotidien ', 'à domicile.']) {
      expect(await note.send(note.append(word))).toMatchObject({ ok: true });
      await t.app.services.notes.flushActivity();
    }
    const activity = await t.db
      .collection<{ edits: number; inserted: string }>('noteactivities')
      .find({ authorId: new Types.ObjectId(nurse.id) })
      .toArray();
    expect(activity.map((a) => [a.edits, a.inserted])).toEqual([
      [3, 'Pansement quotidien à domicile.'],
    ]);
    const rows = await counters(nurse.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ note: 1, total: 1, teamId: new Types.ObjectId(team.id) });
  });
});

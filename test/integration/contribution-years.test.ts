import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerYearView } from '../../shared/src/ledger.js';
import type { TaskView } from '../../shared/src/tasks.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeClock } from '../helpers/clock.js';
import { Agent } from '../helpers/http.js';
import { WireNote } from '../helpers/noteWire.js';
import {
  buildConsent,
  createTeam,
  expectStatus,
  getTeam,
  inviteAndAccept,
  signUpPros,
  type ActiveTeam,
  type Pro,
} from '../teamFactories.js';

/**
 * Contributions across the Paris new year, under the app's clock set by hand: each counts in
 * the calendar year it happened in, and a note editing session never spans the boundary.
 */
const clock = new FakeClock('2025-12-31T22:50:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: clock.now });
});
afterAll(() => t.close());

const notes: WireNote[] = [];
afterEach(() => {
  for (const n of notes.splice(0)) n.close();
});

// Paris is UTC+1 in winter: 23:59:29 on 31 December 2025 is 22:59:29 UTC.
const PARIS = {
  setUp: '2025-12-31T22:50:00Z', // 23:50:00, 31 Dec 2025
  lastSecondsOf2025: '2025-12-31T22:59:29Z', // 23:59:29, 31 Dec 2025
  firstMinuteOf2026: '2025-12-31T23:00:28Z', // 00:00:28, 1 Jan 2026
  aMinuteLater: '2025-12-31T23:01:30Z', // 00:01:30, 1 Jan 2026
};

/**
 * An ACTIVE team set up at 23:50 in Paris on 31 December 2025, so it is active in both years.
 * Each step a second apart: the team's history has no two events at one instant.
 */
async function activeTeamAtYearEnd(): Promise<ActiveTeam> {
  clock.set(PARIS.setUp);
  const [creator, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
  const { team: created } = await createTeam(creator!, {
    consent: buildConsent({ date: '2025-12-31' }),
  });
  clock.advance(1000);
  await inviteAndAccept(creator!, created.id, nurse!);
  clock.advance(1000);
  await inviteAndAccept(creator!, created.id, pharmacist!);
  const team = await getTeam(creator!, created.id);
  expect(team.status).toBe('active');
  return { team, creator: creator!, nurse: nurse!, pharmacist: pharmacist! };
}

interface CounterRow {
  year: number;
  note: number;
  message: number;
  task: number;
  total: number;
}

/** [year, note, message, task, total] per counter of a member in a team, oldest year first. */
async function countersOf(pro: Pro, teamId: string) {
  const rows = await t.db
    .collection<CounterRow>('contributioncounters')
    .find({ professionalId: new Types.ObjectId(pro.id), teamId: new Types.ObjectId(teamId) })
    .toArray();
  return rows
    .sort((a, b) => a.year - b.year)
    .map((r) => [r.year, r.note, r.message, r.task, r.total]);
}

/** The member's ledger line for the team in a year (through the route, as they see it). */
async function ledgerLine(pro: Pro, teamId: string, year: number) {
  const view = expectStatus(await pro.agent.get<LedgerYearView>(`/api/ledger?year=${year}`), 200);
  const line = view.escaps.find((e) => e.teamId === teamId);
  return line && { reason: line.reason, contributions: line.contributions };
}

/** The author's activity rows of the team's note: [start, last edit, edits, text]. */
async function activityRows(pro: Pro, teamId: string) {
  const rows = await t.db
    .collection<{ at: Date; lastAt: Date; edits: number; inserted: string }>('noteactivities')
    .find({ docId: `${teamId}:plan`, authorId: new Types.ObjectId(pro.id) })
    .toArray();
  return rows
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((r) => [r.at.toISOString(), r.lastAt.toISOString(), r.edits, r.inserted]);
}

async function openNote(pro: Pro, teamId: string): Promise<WireNote> {
  const note = await WireNote.open(pro, teamId);
  notes.push(note);
  return note;
}

async function editAt(note: WireNote, at: string, text: string): Promise<void> {
  clock.set(at);
  expect(await note.send(note.append(text))).toMatchObject({ ok: true });
}

/** Edits the note through a fresh instance on the same database, then flushes and stops it. */
async function onAnotherInstance(
  pro: Pro,
  teamId: string,
  edit: (note: WireNote) => Promise<void>,
): Promise<void> {
  const other = await startTestApp({ clock: clock.now, dbName: t.db.name });
  try {
    // The same browser session, its socket on the other instance.
    const agent = new Agent(other.baseUrl);
    for (const [k, v] of pro.agent.cookies) agent.cookies.set(k, v);
    await edit(await openNote({ ...pro, agent }, teamId));
    await other.app.services.notes.flushActivity();
  } finally {
    await other.close();
  }
}

const counted = (kind: 'note' | 'message' | 'task') => ({
  reason: 'counted',
  contributions: { note: 0, message: 0, task: 0, document: 0, [kind]: 1, total: 1 },
});

describe('contributions in the Paris year they happened', () => {
  it('a note session never spans the new year, when both edits are gathered in one flush', async () => {
    const { team, nurse } = await activeTeamAtYearEnd();
    const note = await openNote(nurse, team.id);
    await editAt(note, PARIS.lastSecondsOf2025, 'Pansement ');
    await editAt(note, PARIS.firstMinuteOf2026, 'refait.');
    await t.app.services.notes.flushActivity();

    expect(await activityRows(nurse, team.id)).toEqual([
      ['2025-12-31T22:59:29.000Z', '2025-12-31T22:59:29.000Z', 1, 'Pansement '],
      ['2025-12-31T23:00:28.000Z', '2025-12-31T23:00:28.000Z', 1, 'refait.'],
    ]);
    expect(await countersOf(nurse, team.id)).toEqual([
      [2025, 1, 0, 0, 1],
      [2026, 1, 0, 0, 1],
    ]);
    expect(await ledgerLine(nurse, team.id, 2025)).toEqual(counted('note'));
    expect(await ledgerLine(nurse, team.id, 2026)).toEqual(counted('note'));
  });

  it('a note session stored in the old year is not extended by an edit of the new one', async () => {
    const { team, nurse } = await activeTeamAtYearEnd();
    const note = await openNote(nurse, team.id);
    await editAt(note, PARIS.lastSecondsOf2025, 'Pansement ');
    await t.app.services.notes.flushActivity();
    await editAt(note, PARIS.firstMinuteOf2026, 'refait.');
    await t.app.services.notes.flushActivity();
    // Later 2026 edits extend the 2026 session: still one contribution there.
    await editAt(note, PARIS.aMinuteLater, ' RAS.');
    await t.app.services.notes.flushActivity();

    expect(await activityRows(nurse, team.id)).toEqual([
      ['2025-12-31T22:59:29.000Z', '2025-12-31T22:59:29.000Z', 1, 'Pansement '],
      ['2025-12-31T23:00:28.000Z', '2025-12-31T23:01:30.000Z', 2, 'refait. RAS.'],
    ]);
    expect(await countersOf(nurse, team.id)).toEqual([
      [2025, 1, 0, 0, 1],
      [2026, 1, 0, 0, 1],
    ]);
    expect(await ledgerLine(nurse, team.id, 2026)).toEqual(counted('note'));
  });

  it('after a restart, the session looked up in the database is cut at the new year too', async () => {
    const { team, nurse } = await activeTeamAtYearEnd();
    const note = await openNote(nurse, team.id);
    await editAt(note, PARIS.lastSecondsOf2025, 'Pansement ');
    await t.app.services.notes.flushActivity();

    // Another instance of the deployment (or this one restarted) knows no open row: it looks
    // the author's latest row up in the database.
    await onAnotherInstance(nurse, team.id, (there) =>
      editAt(there, PARIS.firstMinuteOf2026, 'refait.'),
    );
    // Within the year, a looked-up row is extended as before: no second 2026 contribution.
    await onAnotherInstance(nurse, team.id, (there) => editAt(there, PARIS.aMinuteLater, ' RAS.'));

    expect(await activityRows(nurse, team.id)).toEqual([
      ['2025-12-31T22:59:29.000Z', '2025-12-31T22:59:29.000Z', 1, 'Pansement '],
      ['2025-12-31T23:00:28.000Z', '2025-12-31T23:01:30.000Z', 2, 'refait. RAS.'],
    ]);
    expect(await countersOf(nurse, team.id)).toEqual([
      [2025, 1, 0, 0, 1],
      [2026, 1, 0, 0, 1],
    ]);
    expect(await ledgerLine(nurse, team.id, 2026)).toEqual(counted('note'));
  });

  it('a session within one year counts once, up to the last second of the year', async () => {
    const { team, nurse } = await activeTeamAtYearEnd();
    const note = await openNote(nurse, team.id);
    await editAt(note, '2025-12-31T22:57:00Z', 'Un, ');
    await t.app.services.notes.flushActivity();
    await editAt(note, '2025-12-31T22:58:30Z', 'deux, ');
    await editAt(note, '2025-12-31T22:59:59.999Z', 'trois.');
    await t.app.services.notes.flushActivity();

    expect(await activityRows(nurse, team.id)).toEqual([
      ['2025-12-31T22:57:00.000Z', '2025-12-31T22:59:59.999Z', 3, 'Un, deux, trois.'],
    ]);
    expect(await countersOf(nurse, team.id)).toEqual([[2025, 1, 0, 0, 1]]);
    clock.set(PARIS.aMinuteLater); // 2026 has begun: its ledger can be read
    expect(await ledgerLine(nurse, team.id, 2025)).toEqual(counted('note'));
    expect(await ledgerLine(nurse, team.id, 2026)).toMatchObject({ reason: 'no_contribution' });
  });

  it('a message counts in the year it was sent, the one stored with it', async () => {
    const { team, pharmacist } = await activeTeamAtYearEnd();
    const sendAt = async (at: string, text: string) => {
      clock.set(at);
      const res = await pharmacist.agent.post<{ message: { createdAt: string } }>(
        `/api/teams/${team.id}/messages`,
        { clientId: randomUUID(), text },
      );
      return expectStatus(res, 201).message.createdAt;
    };
    expect(await sendAt(PARIS.lastSecondsOf2025, 'Bonne année en avance')).toBe(
      '2025-12-31T22:59:29.000Z',
    );
    expect(await sendAt(PARIS.firstMinuteOf2026, 'Bonne année !')).toBe('2025-12-31T23:00:28.000Z');

    expect(await countersOf(pharmacist, team.id)).toEqual([
      [2025, 0, 1, 0, 1],
      [2026, 0, 1, 0, 1],
    ]);
    expect(await ledgerLine(pharmacist, team.id, 2025)).toEqual(counted('message'));
    expect(await ledgerLine(pharmacist, team.id, 2026)).toEqual(counted('message'));
  });

  it('a task change counts in the year it was made, the one stored with it', async () => {
    const { team, creator, nurse } = await activeTeamAtYearEnd();
    const tasks = `/api/teams/${team.id}/tasks`;
    clock.set(PARIS.lastSecondsOf2025);
    const created = expectStatus(
      await creator.agent.post<{ task: TaskView }>(tasks, {
        title: 'Renouveler l’ordonnance',
        assigneeId: nurse.id,
        due: '2026-01-02',
      }),
      201,
    ).task;
    clock.set(PARIS.firstMinuteOf2026);
    const done = expectStatus(
      await nurse.agent.post<{ task: TaskView }>(`${tasks}/${created.id}/complete`, {
        version: created.version,
      }),
      200,
    ).task;
    const stored = await t.db
      .collection<{ createdAt: Date; doneAt: Date }>('tasks')
      .findOne({ _id: new Types.ObjectId(created.id) });
    expect([stored?.createdAt.toISOString(), stored?.doneAt.toISOString()]).toEqual([
      '2025-12-31T22:59:29.000Z',
      '2025-12-31T23:00:28.000Z',
    ]);
    expect(done.status).toBe('done');

    expect(await countersOf(creator, team.id)).toEqual([[2025, 0, 0, 1, 1]]);
    expect(await countersOf(nurse, team.id)).toEqual([[2026, 0, 0, 1, 1]]);
    expect(await ledgerLine(creator, team.id, 2025)).toEqual(counted('task'));
    expect(await ledgerLine(creator, team.id, 2026)).toMatchObject({ reason: 'no_contribution' });
    expect(await ledgerLine(nurse, team.id, 2026)).toEqual(counted('task'));
  });
});

import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { PDFParse } from 'pdf-parse';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerYearView, StatementCheckView } from '../../shared/src/ledger.js';
import { yearOf } from '../../shared/src/time.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import { WireNote } from '../helpers/noteWire.js';
import {
  activeTeam,
  createTeam,
  expectError,
  expectStatus,
  getTeam,
  inviteAndAccept,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

/** The participation ledger of the signed-in professional, its statement and the public check. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const notes: WireNote[] = [];
afterEach(() => {
  for (const n of notes.splice(0)) n.close();
});

const DAY = 86_400_000;
const thisYear = () => yearOf(new Date());

const ledgerOf = async (pro: Pro, query = '') =>
  expectStatus(await pro.agent.get<LedgerYearView>(`/api/ledger${query}`), 200);

/** Binary download with the agent's cookies (the JSON agent would mangle a PDF). */
async function download(pro: Pro, path: string) {
  const res = await fetch(t.baseUrl + path, { headers: { cookie: pro.agent.cookieHeader() } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    // No-break spaces (in amounts) read as spaces.
    return (await parser.getText()).text.replace(/\u00a0/g, ' ');
  } finally {
    await parser.destroy();
  }
}

/**
 * Moves a team's whole history back by `days` (test set-up through the database, as in the
 * terms tests: the app has no clock to move). Keeps the order of events.
 */
async function shiftBack(teamId: string, days: number): Promise<void> {
  const id = new Types.ObjectId(teamId);
  const back = (d: unknown) => (d ? new Date((d as Date).getTime() - days * DAY) : d);
  const team = await t.db.collection('teams').findOne({ _id: id });
  await t.db.collection('teams').updateOne(
    { _id: id },
    {
      $set: {
        createdAt: back(team!.createdAt),
        termStartedAt: back(team!.termStartedAt),
        termEndsAt: back(team!.termEndsAt),
      },
    },
  );
  for (const [name, fields] of [
    ['teamstatusevents', ['at']],
    ['memberships', ['joinedAt', 'leftAt']],
  ] as const) {
    for (const doc of await t.db.collection(name).find({ teamId: id }).toArray()) {
      const set: Record<string, unknown> = {};
      for (const f of fields) set[f] = back(doc[f]);
      await t.db.collection(name).updateOne({ _id: doc._id }, { $set: set });
    }
  }
}

describe('participation ledger: my year', () => {
  it('shows each ESCAP with its periods, contributions, reason and the amounts reached', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    // The creator edits the shared note (a real contribution), and sends two messages.
    const note = await WireNote.open(creator, team.id);
    notes.push(note);
    expect(await note.send(note.append('Passage infirmier matin et soir.'))).toMatchObject({
      ok: true,
    });
    await t.app.services.notes.flushActivity();
    for (let i = 0; i < 2; i++)
      await t.app.services.contributions.record(team.id, creator.id, 'message', new Date());
    // A second team of the creator's that never becomes active.
    const { team: pending } = await createTeam(creator);

    const mine = await ledgerOf(creator);
    expect(mine.year).toBe(thisYear());
    expect(mine.inProgress).toBe(true);
    expect(mine.years).toEqual([thisYear()]);
    expect(mine.professional).toMatchObject({ id: creator.id, rpps: creator.input.rpps });
    expect(mine.settings).toEqual({
      timeZone: 'Europe/Paris',
      requireContribution: true,
      threshold: 5,
      baseAmount: 100,
      bonusAmount: 100,
    });
    const active = mine.escaps.find((e) => e.teamId === team.id)!;
    expect(active).toMatchObject({
      counts: true,
      reason: 'counted',
      contributions: { note: 1, message: 2, task: 0, document: 0, total: 3 },
    });
    expect(active.reference).toMatch(/^E-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(active.memberPeriods).toHaveLength(1);
    expect(active.activePeriods).toHaveLength(1);
    expect(Date.parse(active.activePeriods[0]!.from)).toBeGreaterThanOrEqual(
      Date.parse(active.memberPeriods[0]!.from),
    );
    expect(mine.escaps.find((e) => e.teamId === pending.id)).toMatchObject({
      counts: false,
      reason: 'not_active_while_member',
      activePeriods: [],
    });
    expect(mine.counted).toBe(1);
    expect(mine.amounts).toEqual({ base: 100, bonus: 0, total: 100 });
    // No patient identity anywhere in the ledger.
    expect(JSON.stringify(mine)).not.toContain(team.patient.identity.birthName);

    // The reference is stable, and the same for every member.
    const nurseView = await ledgerOf(nurse);
    expect(nurseView.escaps.map((e) => [e.reference, e.reason])).toEqual([
      [active.reference, 'no_contribution'],
    ]);
    expect(nurseView.amounts.total).toBe(0);
    expect((await ledgerOf(creator)).escaps.find((e) => e.teamId === team.id)!.reference).toBe(
      active.reference,
    );
    expect((await ledgerOf(pharmacist)).escaps).toHaveLength(1);
  });

  it('ends the active period when consent is withdrawn', async () => {
    const { team, creator } = await activeTeam(t);
    await t.app.services.contributions.record(team.id, creator.id, 'task', new Date());
    // The server and the test share this clock: the withdrawal happens between the two readings.
    const before = Date.now();
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    const after = Date.now();
    const line = (await ledgerOf(creator)).escaps.find((e) => e.teamId === team.id)!;
    // Active from activation to the withdrawal, and still counted for this year.
    expect(line.counts).toBe(true);
    const end = Date.parse(line.activePeriods[0]!.to);
    expect(end).toBeLessThan(Date.parse(line.memberPeriods[0]!.to));
    expect(end).toBeGreaterThanOrEqual(before);
    expect(end).toBeLessThanOrEqual(after);
  });

  it('follows leaving, rejoining and the médecin traitant leaving (suspended) through the API', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const doctorB = await signUpPro(t, { profession: 'medecin' });
    await inviteAndAccept(creator, team.id, doctorB);
    await t.app.services.contributions.record(team.id, nurse.id, 'note', new Date());
    await t.app.services.contributions.record(team.id, pharmacist.id, 'note', new Date());

    // The nurse leaves and is invited back: two membership periods, both active.
    expect((await nurse.agent.post(`/api/teams/${team.id}/leave`)).status).toBe(204);
    await inviteAndAccept(creator, team.id, nurse);
    const nurseLine = (await ledgerOf(nurse)).escaps[0]!;
    expect(nurseLine.memberPeriods).toHaveLength(2);
    // Active from the team's activation (after she joined) to her leaving, then all along.
    expect(nurseLine.activePeriods).toHaveLength(2);
    expect(nurseLine.activePeriods[0]!.to).toBe(nurseLine.memberPeriods[0]!.to);
    expect(nurseLine.activePeriods[1]).toEqual(nurseLine.memberPeriods[1]);
    expect(nurseLine.counts).toBe(true);

    // The médecin traitant is replaced by a member médecin: no gap in the active period.
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/medecin-traitant`, {
        professionalId: doctorB.id,
      }),
      200,
    );
    expect((await getTeam(pharmacist, team.id)).status).toBe('active');
    // Then the new médecin traitant leaves: the team is suspended from that moment.
    expect((await doctorB.agent.post(`/api/teams/${team.id}/leave`)).status).toBe(204);
    expect((await getTeam(pharmacist, team.id)).status).toBe('suspended');
    const line = (await ledgerOf(pharmacist)).escaps[0]!;
    expect(line.memberPeriods).toHaveLength(1);
    expect(line.activePeriods).toHaveLength(1);
    const suspendedAt = Date.parse(line.activePeriods[0]!.to);
    expect(suspendedAt).toBeLessThan(Date.parse(line.memberPeriods[0]!.to));
    const leftB = (await ledgerOf(doctorB)).escaps[0]!;
    expect(Date.parse(leftB.memberPeriods[0]!.to)).toBe(suspendedAt);
    expect(leftB.reason).toBe('no_contribution');
  });

  it('lists earlier years and answers for a chosen year; a new account has none', async () => {
    const { team, creator } = await activeTeam(t);
    // As if created on 1 February last year (whatever today's date).
    const lastYear = thisYear() - 1;
    const joined = Date.UTC(lastYear, 1, 1);
    await shiftBack(team.id, (Date.now() - joined) / DAY);
    const inLastYear = new Date(joined + 10 * DAY);
    expect(yearOf(inLastYear)).toBe(lastYear);
    await t.app.services.contributions.record(team.id, creator.id, 'note', inLastYear);

    const now = await ledgerOf(creator);
    expect(now.years).toEqual([thisYear(), lastYear]);
    const before = await ledgerOf(creator, `?year=${lastYear}`);
    expect(before).toMatchObject({ year: lastYear, inProgress: false, counted: 1 });
    expect(before.escaps[0]).toMatchObject({ reason: 'counted', contributions: { note: 1 } });
    // No contribution this year: considered, not counted.
    const thisLine = now.escaps.find((e) => e.teamId === team.id)!;
    expect(thisLine.reason).toBe('no_contribution');

    // Last year's statement is final, not provisional.
    const past = await pdfText(
      (await download(creator, `/api/ledger/statement.pdf?year=${lastYear}`)).body,
    );
    expect(past).toContain('ESCAP comptées : 1 / 5');
    expect(past).not.toContain('provisoire');

    const fresh = await signUpPro(t);
    expect(await ledgerOf(fresh)).toMatchObject({ escaps: [], years: [], counted: 0 });
    const empty = await pdfText((await download(fresh, '/api/ledger/statement.pdf')).body);
    expect(empty).toContain('Aucune participation à une ESCAP cette année.');
    expect(empty).toContain('Total : 0 €');
  });

  it('shows only the signed-in professional their own ledger', async () => {
    const { creator } = await activeTeam(t);
    const other = await signUpPro(t);
    const theirs = await ledgerOf(other, `?professionalId=${creator.id}`);
    expect(theirs.professional.id).toBe(other.id);
    expect(theirs.escaps).toEqual([]);
    const anonymous = await new Agent(t.baseUrl).init();
    expectError(await anonymous.get('/api/ledger'), 401, 'unauthenticated');
    expectError(await anonymous.get('/api/ledger/statement.pdf'), 401, 'unauthenticated');
  });

  it('refuses a year that is not a whole year from 2024 to this one', async () => {
    const pro = await signUpPro(t);
    for (const year of ['abc', '2023', String(thisYear() + 1), '2025.5', '02025', ' 2025']) {
      const res = await pro.agent.get(`/api/ledger?year=${encodeURIComponent(year)}`);
      expectError(res, 400, 'invalid_year');
      expect((res.body as { error: { message: string; field: string } }).error).toMatchObject({
        field: 'year',
        message: expect.stringMatching(/année/) as string,
      });
    }
    expectError(await pro.agent.get('/api/ledger/statement.pdf?year=1999'), 400, 'invalid_year');
    expect((await pro.agent.get('/api/ledger?year=2024')).status).toBe(200);
  });
});

describe('yearly statement', () => {
  it('is a PDF listing each ESCAP by reference, with a code a third party can check', async () => {
    const { team, creator } = await activeTeam(t);
    await t.app.services.contributions.record(team.id, creator.id, 'message', new Date());
    const year = thisYear();
    const { res, body } = await download(creator, `/api/ledger/statement.pdf?year=${year}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="attestation-escap-/,
    );
    const code = res.headers.get('x-statement-code')!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);

    const text = await pdfText(body);
    const reference = (await ledgerOf(creator)).escaps[0]!.reference;
    for (const expected of [
      `Attestation annuelle de participation ESCAP - ${year}`,
      `${creator.input.firstName} ${creator.input.lastName}`,
      creator.input.rpps,
      `${reference} - comptée`,
      'Messages : 1',
      'ESCAP comptées : 1 / 5',
      'Total : 100 €',
      'Complément : 0 €',
      'Utilisation de l’outil : 100 €',
      `Code de vérification : ${code}`,
      `${t.baseUrl}/verification/${code}`,
      'Attestation provisoire',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain(team.patient.identity.birthName);

    // Anyone (no session) checks the code; typed loosely, it is still found.
    const anonymous = new Agent(t.baseUrl);
    const check = expectStatus(
      await anonymous.get<StatementCheckView>(`/api/statements/${code}`),
      200,
    );
    expect(check).toMatchObject({
      code,
      year,
      inProgress: true,
      professional: { rpps: creator.input.rpps, lastName: creator.input.lastName },
      counted: 1,
      amounts: { base: 100, bonus: 0, total: 100 },
      escaps: [{ reference, counts: true, reason: 'counted', contributions: { message: 1 } }],
    });
    expect(text).toContain(check.digest);
    const stored = await t.db.collection('statements').findOne({ code });
    expect(createHash('sha256').update(String(stored!.content)).digest('hex')).toBe(check.digest);
    const loose = code.toLowerCase().replace(/-/g, ' ');
    expect((await anonymous.get(`/api/statements/${encodeURIComponent(loose)}`)).status).toBe(200);

    // A statement states what was issued, even after the figures change.
    await t.app.services.contributions.record(team.id, creator.id, 'message', new Date());
    const again = expectStatus(
      await anonymous.get<StatementCheckView>(`/api/statements/${code}`),
      200,
    );
    expect(again.escaps[0]!.contributions.message).toBe(1);

    // Each download is a new statement with its own code.
    const second = await download(creator, `/api/ledger/statement.pdf?year=${year}`);
    expect(second.res.headers.get('x-statement-code')).not.toBe(code);
    const records = await t.db
      .collection('statements')
      .countDocuments({ professionalId: new Types.ObjectId(creator.id) });
    expect(records).toBe(2);
  });

  it('answers 404 to a tampered, unknown or malformed code', async () => {
    const { creator } = await activeTeam(t);
    const { res } = await download(creator, `/api/ledger/statement.pdf`);
    const code = res.headers.get('x-statement-code')!;
    const last = code.at(-1) === '0' ? '1' : '0';
    const anonymous = new Agent(t.baseUrl);
    for (const bad of [code.slice(0, -1) + last, 'AAAA-BBBB-CCCC-DDDD', 'nope', 'U'.repeat(16)])
      expectError(
        await anonymous.get(`/api/statements/${encodeURIComponent(bad)}`),
        404,
        'not_found',
      );
  });
});

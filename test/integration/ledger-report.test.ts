import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerReportView } from '../../shared/src/ledger.js';
import { yearBounds, yearOf } from '../../shared/src/time.js';
import type { ProfessionalDoc } from '../../server/src/auth/model.js';
import { setRole } from '../../server/src/auth/roles.js';
import { reportPipelines } from '../../server/src/ledger/report.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import {
  activeTeam,
  createTeam,
  expectError,
  expectStatus,
  getTeam,
  inviteAndAccept,
  signUpPro,
  signUpPros,
  type Pro,
} from '../teamFactories.js';

/** The platform report for the yearly declarations (gestionnaires only). */
let t: TestApp;
let manager: Pro;
beforeAll(async () => {
  t = await startTestApp();
  manager = await signUpPro(t, { profession: 'pharmacien' });
  // The same function as `npm run gestionnaire -- --email …`.
  const granted = await setRole(
    t.db.model<ProfessionalDoc>('Professional'),
    manager.input.email.toUpperCase(),
    'gestionnaire',
    true,
  );
  expect(granted?.roles).toEqual(['gestionnaire']);
});
afterAll(() => t.close());

const year = () => yearOf(new Date());

describe('platform report', () => {
  it('is refused to professionals without the gestionnaire role, and to visitors', async () => {
    const { nurse } = await activeTeam(t);
    expectError(await nurse.agent.get('/api/ledger/report'), 403, 'forbidden');
    expectError(await nurse.agent.get('/api/ledger/report.csv'), 403, 'forbidden');
    const anonymous = await new Agent(t.baseUrl).init();
    expectError(await anonymous.get('/api/ledger/report'), 401, 'unauthenticated');
    const session = await nurse.agent.get<{ professional: { roles: string[] } }>('/api/session');
    expect(session.body.professional.roles).toEqual([]);
  });

  it('gives every professional’s counts and amounts, bonus included, and exports them as CSV', async () => {
    const session = await manager.agent.get<{ professional: { roles: string[] } }>('/api/session');
    expect(session.body.professional.roles).toEqual(['gestionnaire']);

    // A médecin in five active ESCAPs, contributing to each: base and bonus.
    const [doctor, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const teamIds: string[] = [];
    const birthNames: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { team } = await createTeam(doctor!);
      await inviteAndAccept(doctor!, team.id, nurse!);
      await inviteAndAccept(doctor!, team.id, pharmacist!);
      expect((await getTeam(doctor!, team.id)).status).toBe('active');
      teamIds.push(team.id);
      birthNames.push(team.patient.identity.birthName);
      await t.app.services.contributions.record(team.id, doctor!.id, 'note', new Date());
    }
    // The nurse contributed to two of them; the pharmacist to none.
    for (const id of teamIds.slice(0, 2))
      await t.app.services.contributions.record(id, nurse!.id, 'message', new Date(), 3);

    const report = expectStatus(
      await manager.agent.get<LedgerReportView>(`/api/ledger/report?year=${year()}`),
      200,
    );
    expect(report.year).toBe(year());
    expect(report.settings.threshold).toBe(5);
    const row = (pro: Pro) => report.rows.find((r) => r.professional.id === pro.id);
    expect(row(doctor!)).toMatchObject({
      professional: { rpps: doctor!.input.rpps, profession: 'medecin' },
      considered: 5,
      counted: 5,
      contributions: 5,
      amounts: { base: 100, bonus: 100, total: 200 },
    });
    expect(row(nurse!)).toMatchObject({ considered: 5, counted: 2, contributions: 6 });
    expect(row(nurse!)!.amounts).toEqual({ base: 100, bonus: 0, total: 100 });
    expect(row(pharmacist!)).toMatchObject({ counted: 0, amounts: { total: 0 } });
    // Only professionals with a membership in the year; the manager has none.
    expect(row(manager)).toBeUndefined();
    const paid = report.rows.filter((r) => r.amounts.total > 0);
    expect(report.totals).toEqual({
      professionals: report.rows.length,
      paid: paid.length,
      amount: paid.reduce((s, r) => s + r.amounts.total, 0),
    });
    // No health data, no team: neither patients, nor team ids, nor references.
    const json = JSON.stringify(report);
    for (const name of birthNames) expect(json).not.toContain(name);
    for (const id of teamIds) expect(json).not.toContain(id);
    expect(json).not.toMatch(/"reference"|E-[0-9A-Z]{4}-/);

    const csv = await fetch(`${t.baseUrl}/api/ledger/report.csv?year=${year()}`, {
      headers: { cookie: manager.agent.cookieHeader() },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="participation-escap-${year()}.csv"`,
    );
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      'RPPS;nom;prénom;profession;ESCAP considérées;ESCAP comptées;contributions;montant base;bonus;total',
    );
    expect(lines).toContain(
      `${doctor!.input.rpps};${doctor!.input.lastName};${doctor!.input.firstName};Médecin;5;5;5;100;100;200`,
    );
    expect(lines).toHaveLength(report.rows.length + 2); // header, rows, final empty line
    expect(lines.at(-1)).toBe('');

    expectError(await manager.agent.get('/api/ledger/report?year=2019'), 400, 'invalid_year');
  });

  it('neutralises names that a spreadsheet would run as formulas', async () => {
    const pro = await signUpPro(t, { profession: 'medecin', lastName: '=HYPERLINK("x")' });
    const { team } = await createTeam(pro);
    expect(team.id).toMatch(/^[a-f\d]{24}$/);
    const csv = await fetch(`${t.baseUrl}/api/ledger/report.csv`, {
      headers: { cookie: manager.agent.cookieHeader() },
    });
    const text = await csv.text();
    expect(text).toContain(`${pro.input.rpps};"'=HYPERLINK(""x"")";`);
  });
});

describe('report pipelines on this engine', () => {
  it('select the memberships, status events and counters of the year, and no others', async () => {
    const { team, creator } = await activeTeam(t);
    const y = year();
    const { start, end } = yearBounds(y);
    const teamId = new Types.ObjectId(team.id);
    const proId = new Types.ObjectId(creator.id);
    // Rows outside the year, written straight into the collections.
    const before = new Date(start.getTime() - 1000);
    await t.db.collection('memberships').insertMany([
      { teamId, professionalId: proId, joinedAt: new Date(0), leftAt: before },
      { teamId, professionalId: new Types.ObjectId(), joinedAt: end, leftAt: null },
    ]);
    await t.db.collection('teamstatusevents').insertOne({ teamId, status: 'closed', at: end });
    await t.app.services.contributions.record(team.id, creator.id, 'task', end);
    await t.app.services.contributions.record(team.id, creator.id, 'task', before);
    await t.app.services.contributions.record(team.id, creator.id, 'note', new Date());

    const p = reportPipelines(y, t.config.ledger);
    const [memberships, events, counters] = await Promise.all([
      t.db.collection('memberships').aggregate(p.memberships).toArray(),
      t.db.collection('teamstatusevents').aggregate(p.events).toArray(),
      t.db.collection('contributioncounters').aggregate(p.counters).toArray(),
    ]);
    const mine = memberships.filter((m) => String(m.teamId) === team.id);
    expect(mine).toHaveLength(3); // creator, nurse, pharmacist; not the rows outside the year
    expect(mine.every((m) => m.joinedAt < end && (m.leftAt === null || m.leftAt > start))).toBe(
      true,
    );
    const teamEvents = events.filter((e) => String(e.teamId) === team.id);
    expect(teamEvents.map((e) => e.status as string).sort()).toEqual(['active', 'pending']);
    const proCounters = counters.filter((c) => String(c.professionalId) === creator.id);
    expect(proCounters.map((c) => [c.note, c.task, c.total] as unknown[])).toEqual([[1, 0, 1]]);
  });
});

import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientGrantView, PatientView } from '../../shared/src/patient-access.js';
import type { AuditPageView } from '../../shared/src/views.js';
import { calendarDay } from '../../shared/src/tasks.js';
import {
  CODE_TTL_MS,
  MAX_CODE_ATTEMPTS,
  PATIENT_SESSION_TTL_MS,
} from '../../shared/src/rules/patient-access.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeClock } from '../helpers/clock.js';
import { Agent } from '../helpers/http.js';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';
import {
  activeTeam,
  expectError,
  expectStatus,
  signUpPro,
  type ActiveTeam,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
let mailbox: Mailbox;
const clock = new FakeClock(new Date());
beforeAll(async () => {
  mailbox = await startMailbox();
  t = await startTestApp({ env: { SMTP_URL: mailbox.url }, clock: clock.now });
});
afterAll(async () => {
  await t.close();
  await mailbox.close();
});

let addresses = 0;
const uniqueAddress = () => `patient-${Date.now()}-${++addresses}@example.org`;
const accessOf = (teamId: string) => `/api/teams/${teamId}/patient-access`;

async function grant(pro: Pro, teamId: string, address = uniqueAddress()) {
  const res = await pro.agent.post<{ grant: PatientGrantView }>(accessOf(teamId), {
    who: 'carer',
    name: 'Mme Durand',
    relationship: 'fille',
    channel: 'email',
    address,
    consent: true,
  });
  return expectStatus(res, 201).grant;
}

/** Sends a code and reads it from the mail the patient receives. */
async function sendCode(pro: Pro, teamId: string, g: PatientGrantView): Promise<string> {
  const before = mailbox.mails.length;
  expectStatus(await pro.agent.post(`${accessOf(teamId)}/${g.id}/code`), 200);
  const mail = await mailbox.next(g.address, /code d’accès/, before);
  const code = /Votre code d’accès : (\d{8})/.exec(mail.text)?.[1];
  expect(code).toBeDefined();
  return code!;
}

async function patient(): Promise<Agent> {
  return new Agent(t.baseUrl).init();
}

const open = (agent: Agent, address: string, code: string) =>
  agent.post('/api/patient/session', { address, code });

const wrong = (code: string) => String((Number(code) + 1) % 1e8).padStart(8, '0');

async function auditRows(teamId: string, action: string) {
  return t.db
    .collection('auditentries')
    .find({ teamId: new Types.ObjectId(teamId), action })
    .toArray();
}

describe('the patient’s own view', () => {
  let at: ActiveTeam;
  beforeAll(async () => {
    at = await activeTeam(t);
  });

  it('a code opens one session once, and the view lists members, plan and journal only', async () => {
    const { team, creator, nurse } = at;
    const secret = 'Message confidentiel de la discussion 7f3a';
    expectStatus(
      await nurse.agent.post(`/api/teams/${team.id}/messages`, {
        clientId: 'patient-view-1',
        text: secret,
      }),
      201,
    );
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/plan`, {
        baseVersion: 0,
        objectives: ['Maintien à domicile'],
        actions: [{ text: 'Pansement', responsibleId: nurse.id, rhythm: 'chaque jour' }],
        reviewDate: calendarDay(new Date(clock.now().getTime() + 90 * 86_400_000)),
      }),
      201,
    );
    const g = await grant(creator, team.id);
    expect(g).toMatchObject({ who: 'carer', consentBy: { id: creator.id }, revokedAt: null });
    const code = await sendCode(creator, team.id, g);

    const p = await patient();
    expectStatus(await open(p, g.address, code.replace(/(\d{4})/, '$1 ')), 201);
    const cookie = p.cookies.get('escap_patient');
    expect(cookie).toBeDefined();

    const res = await p.get<{ view: PatientView }>('/api/patient/view');
    const view = expectStatus(res, 200).view;
    expect(view.members.map((m) => m.lastName).sort()).toEqual(
      [creator, nurse, at.pharmacist].map((m) => m.input.lastName).sort(),
    );
    expect(view.carePlan).toMatchObject({
      version: 1,
      objectives: ['Maintien à domicile'],
      actions: [{ text: 'Pansement', rhythm: 'chaque jour' }],
    });
    expect(view.journal.some((j) => j.action === 'Message envoyé dans la discussion')).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(secret);

    // The same code again, from another browser: refused, with the one message.
    expectError(await open(await patient(), g.address, code), 401, 'patient_code_invalid');

    expect(await auditRows(team.id, 'patient_access.grant')).toHaveLength(1);
    expect(await auditRows(team.id, 'patient_access.code_send')).toHaveLength(1);
    const opened = await auditRows(team.id, 'patient_access.open');
    expect(opened).toHaveLength(1);
    expect(String(opened[0]!.grantId)).toBe(g.id);
    const reads = await auditRows(team.id, 'patient_view.read');
    expect(reads).toHaveLength(1);
    expect(String(reads[0]!.grantId)).toBe(g.id);
    expect(reads[0]!.detail).toBeUndefined();

    // The team's journal names the patient's access, not a deleted professional.
    const journal = expectStatus(
      await creator.agent.get<AuditPageView>(`/api/teams/${team.id}/audit`),
      200,
    );
    const byPatient = journal.entries.filter((e) => e.code === 'patient_view.read');
    expect(byPatient.map((e) => e.byPatient)).toEqual(['Accès du patient (Mme Durand)']);
    const csv = await creator.agent.get<string>(`/api/teams/${team.id}/audit/export`);
    expect(String(csv.body)).toContain('Accès du patient (Mme Durand)');
    expect(String(csv.body)).not.toContain('compte supprimé');
  });

  it('a wrong code five times burns the code, even the right one after', async () => {
    const { team, creator } = at;
    const g = await grant(creator, team.id);
    const code = await sendCode(creator, team.id, g);
    const p = await patient();
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++)
      expectError(await open(p, g.address, wrong(code)), 401, 'patient_code_invalid');
    expectError(await open(p, g.address, code), 401, 'patient_code_invalid');
    // A new code from a member opens it again.
    expectStatus(await open(p, g.address, await sendCode(creator, team.id, g)), 201);
  });

  it('a code past its 15 minutes is refused', async () => {
    const { team, creator } = at;
    const g = await grant(creator, team.id);
    const code = await sendCode(creator, team.id, g);
    clock.advance(CODE_TTL_MS);
    expectError(await open(await patient(), g.address, code), 401, 'patient_code_invalid');
  });

  it('a revocation ends the open session at once, and no new code can be sent', async () => {
    const { team, creator, pharmacist } = at;
    const g = await grant(creator, team.id);
    const p = await patient();
    expectStatus(await open(p, g.address, await sendCode(creator, team.id, g)), 201);
    expectStatus(await p.get('/api/patient/view'), 200);

    const revoked = await pharmacist.agent.post<{ grant: PatientGrantView }>(
      `${accessOf(team.id)}/${g.id}/revoke`,
    );
    expect(expectStatus(revoked, 200).grant.revokedAt).not.toBeNull();
    expect((await p.get('/api/patient/view')).status).toBe(401);
    expectError(
      await creator.agent.post(`${accessOf(team.id)}/${g.id}/code`),
      409,
      'grant_revoked',
    );
    expect(await auditRows(team.id, 'patient_access.revoke')).toHaveLength(1);
  });

  it('a non-member cannot create, list or revoke a grant (the team’s 404)', async () => {
    const { team, creator } = at;
    const outsider = await signUpPro(t);
    const g = await grant(creator, team.id);
    const before = await t.db.collection('patientgrants').countDocuments();
    const res = await outsider.agent.post(accessOf(team.id), {
      who: 'patient',
      name: 'M. Martin',
      channel: 'email',
      address: uniqueAddress(),
      consent: true,
    });
    expect(res.status).toBe(404);
    expect((await outsider.agent.get(accessOf(team.id))).status).toBe(404);
    expect((await outsider.agent.post(`${accessOf(team.id)}/${g.id}/revoke`)).status).toBe(404);
    expect(await t.db.collection('patientgrants').countDocuments()).toBe(before);
  });

  it('a grant needs the patient’s consent', async () => {
    const { team, creator } = at;
    const res = await creator.agent.post(accessOf(team.id), {
      who: 'patient',
      name: 'M. Martin',
      channel: 'email',
      address: uniqueAddress(),
      consent: false,
    });
    expect(res.status).toBe(400);
  });

  it('the patient cookie reaches no professional route', async () => {
    const { team, creator } = at;
    const g = await grant(creator, team.id);
    const p = await patient();
    expectStatus(await open(p, g.address, await sendCode(creator, team.id, g)), 201);
    for (const path of [
      `/api/teams/${team.id}`,
      `/api/teams/${team.id}/messages`,
      `/api/teams/${team.id}/plan`,
      `/api/teams/${team.id}/patient-access`,
    ])
      expect([401, 404]).toContain((await p.get(path)).status);
    // And without the cookie, the patient's view is closed.
    expect((await (await patient()).get('/api/patient/view')).status).toBe(401);
  });

  it('a patient session ends after its 30 minutes', async () => {
    const { team, creator } = at;
    const g = await grant(creator, team.id);
    const p = await patient();
    expectStatus(await open(p, g.address, await sendCode(creator, team.id, g)), 201);
    clock.advance(PATIENT_SESSION_TTL_MS - 1);
    expectStatus(await p.get('/api/patient/view'), 200);
    clock.advance(1);
    expectError(await p.get('/api/patient/view'), 401, 'patient_session_ended');
  });

  it('on a closed team no access is opened nor code sent, but a member can still revoke one', async () => {
    const own = await activeTeam(t);
    const g = await grant(own.creator, own.team.id);
    expectStatus(
      await own.creator.agent.post(`/api/teams/${own.team.id}/close`, { reason: 'deces' }),
      200,
    );
    const Grants = t.db.model('PatientGrant');
    const before = await Grants.countDocuments({ teamId: new Types.ObjectId(own.team.id) });
    expect(before).toBe(1);
    const refused = await own.nurse.agent.post(accessOf(own.team.id), {
      who: 'patient',
      name: 'Marie Dupont',
      channel: 'email',
      address: 'marie.dupont@example.org',
      consent: true,
    });
    expectError(refused, 409, 'team_closed');
    expect(await Grants.countDocuments({ teamId: new Types.ObjectId(own.team.id) })).toBe(before);
    expectError(
      await own.nurse.agent.post(`${accessOf(own.team.id)}/${g.id}/code`),
      409,
      'team_closed',
    );
    const revoked = await own.nurse.agent.post<{ grant: PatientGrantView }>(
      `${accessOf(own.team.id)}/${g.id}/revoke`,
    );
    expect(expectStatus(revoked, 200).grant.revokedAt).not.toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  InboxInvitationView,
  InvitationLinkView,
  ProfessionalRef,
  TeamSummaryView,
  TeamView,
} from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent, type ErrorBody } from '../helpers/http.js';
import { uniqueRpps } from '../factories.js';
import {
  CORSICAN_INS,
  VALID_INS,
  accept,
  buildCreateTeam,
  buildIdentity,
  buildInclusion,
  buildPatient,
  createTeam,
  expectError,
  expectStatus,
  getSettings,
  getTeam,
  inviteAndAccept,
  markEmailVerified,
  signUpPro,
  signUpPros,
  tokenOf,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** What a team is made of (server/src/{teams,invitations,audit}/model.ts). */
const TEAM_COLLECTIONS = [
  'teams',
  'patients',
  'inclusions',
  'memberships',
  'teamstatusevents',
  'invitations',
  'auditentries',
];

/** Document counts of every team collection: nothing may change on a refusal. */
async function snapshot(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of TEAM_COLLECTIONS) out[name] = await t.db.collection(name).countDocuments();
  return out;
}

const refOf = (pro: Pro): ProfessionalRef => ({
  id: pro.id,
  firstName: pro.input.firstName,
  lastName: pro.input.lastName,
  profession: pro.input.profession,
});

describe('settings and professionals', () => {
  it('shows the settings in force to any signed-in professional, and only to them', async () => {
    const pro = await signUpPro(t);
    const settings = await getSettings(pro);
    expect(settings).toMatchObject({ invitationTtlDays: 14 });
    expect(settings.eligibilityThreshold).toEqual(expect.any(Number));
    expect(settings.gridItems).toEqual(expect.any(Number));
    expectError(await new Agent(t.baseUrl).get('/api/settings'), 401, 'unauthenticated');
  });

  it('finds a registered professional by RPPS, showing no contact detail', async () => {
    const [me, doctor] = await signUpPros(t, ['infirmier', 'medecin']);
    const res = await me!.agent.get<ProfessionalRef>(
      `/api/professionals/by-rpps/${doctor!.input.rpps}`,
    );
    expect(expectStatus(res, 200)).toEqual(refOf(doctor!));
    expectError(
      await me!.agent.get(`/api/professionals/by-rpps/${uniqueRpps()}`),
      404,
      'professional_not_found',
    );
    expectError(
      await new Agent(t.baseUrl).get(`/api/professionals/by-rpps/${doctor!.input.rpps}`),
      401,
      'unauthenticated',
    );
  });
});

describe('creating a team', () => {
  it('with the creator as médecin traitant: a pending team with one member', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const input = buildCreateTeam({ patient: buildPatient({ ins: '1 85 05 78 006 084 91' }) });
    const res = await doctor.agent.post<{ team: TeamView; link?: string }>('/api/teams', input);
    const { team, link } = expectStatus(res, 201);
    expect(link).toBeUndefined();
    const settings = await getSettings(doctor);
    expect(team).toMatchObject({
      status: 'pending',
      gaps: ['members'],
      readOnly: false,
      createdBy: refOf(doctor),
      medecinTraitant: { professional: refOf(doctor) },
      patient: { identity: input.patient.identity, ins: VALID_INS, contact: input.patient.contact },
      consent: { ...input.consent, recordedBy: refOf(doctor) },
      invitations: [],
      can: {
        'member.invite': true,
        'member.remove': true,
        'team.close': true,
        'patient.update': true,
      },
    });
    expect(team.id).toMatch(/^[a-f\d]{24}$/i);
    expect(team.members).toHaveLength(1);
    expect(team.members[0]).toMatchObject({
      professional: refOf(doctor),
      isCreator: true,
      isMedecinTraitant: true,
    });
    expect(team.inclusions).toHaveLength(1);
    expect(team.inclusions[0]).toMatchObject({
      category: input.inclusion.category,
      gridVersion: settings.grid.version,
      score: 20,
      threshold: settings.eligibilityThreshold,
      gridItems: settings.gridItems,
      recordedBy: refOf(doctor),
    });
    expect(team.consent.withdrawnAt).toBeUndefined();
    expect(team.history.map((h) => h.status)).toEqual(['pending']);
    expect(Date.parse(team.history[0]!.at)).not.toBeNaN();
    expect(team.termStartedAt).toBeUndefined();
    expect(team.termEndsAt).toBeUndefined();
    expect(await getTeam(doctor, team.id)).toEqual(team);
  });

  it('accepts a Corsican INS, normalised', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const { team } = await createTeam(doctor, {
      patient: buildPatient({ ins: '2 55 08 2a 123 456 46' }),
    });
    expect(team.patient.ins).toBe(CORSICAN_INS);
  });

  it('accepts a patient without INS nor contact, and a score exactly at the threshold', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const { eligibilityThreshold } = await getSettings(doctor);
    const { team } = await createTeam(doctor, {
      patient: { identity: buildIdentity() },
      inclusion: buildInclusion({ score: eligibilityThreshold }),
    });
    expect(team.patient.ins).toBeUndefined();
    expect(team.inclusions[0]!.score).toBe(eligibilityThreshold);
  });

  it('with a médecin traitant by RPPS: an invitation asMedecinTraitant in their inbox', async () => {
    const [nurse, doctor] = await signUpPros(t, ['infirmier', 'medecin']);
    const { team, link } = await createTeam(nurse!, {
      medecinTraitant: { rpps: doctor!.input.rpps },
    });
    expect(link).toBeUndefined();
    expect(team).toMatchObject({
      status: 'pending',
      gaps: ['members', 'medecin_traitant'],
      medecinTraitant: { professional: refOf(doctor!) },
      can: {
        'member.invite': true,
        'member.remove': true,
        'team.close': true,
        'patient.update': true,
      },
    });
    expect(team.members.map((m) => [m.professional.id, m.isCreator, m.isMedecinTraitant])).toEqual([
      [nurse!.id, true, false],
    ]);
    expect(team.invitations).toHaveLength(1);
    expect(team.invitations[0]).toMatchObject({
      teamId: team.id,
      status: 'pending',
      invitedBy: refOf(nurse!),
      invitee: { professional: refOf(doctor!) },
      asMedecinTraitant: true,
    });

    const inbox = await doctor!.agent.get<{ invitations: InboxInvitationView[] }>(
      '/api/invitations',
    );
    expect(expectStatus(inbox, 200).invitations).toEqual([
      expect.objectContaining({
        id: team.invitations[0]!.id,
        teamId: team.id,
        invitedBy: refOf(nurse!),
        asMedecinTraitant: true,
      }),
    ]);
    // No patient data before joining (CSP L.1110-4).
    expect(JSON.stringify(inbox.body)).not.toContain(team.patient.identity.birthName);

    await accept(doctor!, team.invitations[0]!.id);
    const after = await getTeam(doctor!, team.id);
    expect(after.members.find((m) => m.professional.id === doctor!.id)).toMatchObject({
      isMedecinTraitant: true,
      isCreator: false,
    });
    expect(after.gaps).toEqual(['members']);
  });

  it('with a médecin traitant by e-mail: a single-use link returned once', async () => {
    const nurse = await signUpPro(t, { profession: 'infirmier' });
    const email = `dr.${uniqueRpps()}@exemple.fr`;
    const { team, link } = await createTeam(nurse, { medecinTraitant: { email } });
    const token = tokenOf(link);
    expect(token.length).toBeGreaterThanOrEqual(20);
    expect(team).toMatchObject({
      medecinTraitant: { email },
      gaps: ['members', 'medecin_traitant'],
    });
    expect(team.invitations).toEqual([
      expect.objectContaining({ status: 'pending', invitee: { email }, asMedecinTraitant: true }),
    ]);
    // The link is shown once: the team never carries it.
    expect(JSON.stringify(await getTeam(nurse, team.id))).not.toContain(token);

    const info = await new Agent(t.baseUrl).get<InvitationLinkView>(
      `/api/invitations/link/${token}`,
    );
    expect(expectStatus(info, 200)).toMatchObject({
      status: 'pending',
      email,
      invitedBy: refOf(nurse),
    });

    // The invited address, verified: the link is theirs (docs/identity.md, "Invitations").
    const doctor = await markEmailVerified(t, await signUpPro(t, { profession: 'medecin', email }));
    const claim = await doctor.agent.post<{ teamId: string }>('/api/invitations/claim', { token });
    expect(expectStatus(claim, 200)).toEqual({ teamId: team.id });
    const after = await getTeam(doctor, team.id);
    expect(after.medecinTraitant).toEqual({ professional: refOf(doctor) });
    expect(after.members.find((m) => m.professional.id === doctor.id)?.isMedecinTraitant).toBe(
      true,
    );
  });
});

describe('creating a team: refusals write nothing', () => {
  const cases: Array<{
    name: string;
    profession?: 'medecin' | 'infirmier';
    body: (ctx: { threshold: number; nurseRpps: string }) => unknown;
    status: number;
    code: string;
    field?: string;
  }> = [
    {
      name: 'invalid INS key',
      body: () => buildCreateTeam({ patient: buildPatient({ ins: '185057800608492' }) }),
      status: 400,
      code: 'validation_failed',
      field: 'patient.ins',
    },
    {
      name: 'unknown field',
      body: () => ({ ...buildCreateTeam(), teamName: 'x' }),
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'consent in the future',
      body: () => buildCreateTeam({ consent: { date: '2999-01-01', method: 'ecrit' } }),
      status: 400,
      code: 'validation_failed',
      field: 'consent.date',
    },
    {
      name: 'score below the threshold',
      body: ({ threshold }) =>
        buildCreateTeam({ inclusion: buildInclusion({ score: threshold - 1 }) }),
      status: 422,
      code: 'score_below_threshold',
    },
    {
      name: 'a non-médecin as self médecin traitant',
      profession: 'infirmier',
      body: () => buildCreateTeam({ medecinTraitant: { self: true } }),
      status: 400,
      code: 'not_a_physician',
    },
    {
      name: 'an unknown RPPS as médecin traitant',
      body: () => buildCreateTeam({ medecinTraitant: { rpps: uniqueRpps() } }),
      status: 404,
      code: 'professional_not_found',
    },
    {
      name: 'a registered non-médecin as médecin traitant',
      body: ({ nurseRpps }) => buildCreateTeam({ medecinTraitant: { rpps: nurseRpps } }),
      status: 400,
      code: 'not_a_physician',
    },
  ];

  it.each(cases)('$name → $status $code', async ({ profession, body, status, code, field }) => {
    const creator = await signUpPro(t, { profession: profession ?? 'medecin' });
    const nurse = await signUpPro(t, { profession: 'infirmier' });
    const { eligibilityThreshold: threshold } = await getSettings(creator);
    expect(threshold).toBeGreaterThan(0);
    const before = await snapshot();
    const res = await creator.agent.post<ErrorBody>(
      '/api/teams',
      body({ threshold, nurseRpps: nurse.input.rpps }),
    );
    expectError(res, status, code);
    if (field) expect(res.body.error.field).toBe(field);
    expect(await snapshot()).toEqual(before);
    const list = await creator.agent.get<{ teams: TeamSummaryView[] }>('/api/teams');
    expect(expectStatus(list, 200).teams).toEqual([]);
  });

  it('refuses without a session (401) or without the CSRF header (403)', async () => {
    const before = await snapshot();
    const anon = await new Agent(t.baseUrl).init();
    expectError(await anon.post('/api/teams', buildCreateTeam()), 401, 'unauthenticated');
    const doctor = await signUpPro(t, { profession: 'medecin' });
    expectError(
      await doctor.agent.post('/api/teams', buildCreateTeam(), { csrf: false }),
      403,
      'csrf_invalid',
    );
    expect(await snapshot()).toEqual(before);
  });
});

describe('my teams', () => {
  it('lists current memberships, newest first, and nobody else’s', async () => {
    const [doctor, nurse, outsider] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const first = await createTeam(doctor!);
    const second = await createTeam(doctor!);
    await inviteAndAccept(doctor!, first.team.id, nurse!);

    const mine = expectStatus(
      await doctor!.agent.get<{ teams: TeamSummaryView[] }>('/api/teams'),
      200,
    );
    expect(mine.teams.map((s) => s.id)).toEqual([second.team.id, first.team.id]);
    expect(mine.teams[1]).toMatchObject({ status: 'pending', memberCount: 2 });
    expect(mine.teams[1]!.patientName.toLowerCase()).toContain(
      first.team.patient.identity.birthName.toLowerCase(),
    );

    const nurses = expectStatus(
      await nurse!.agent.get<{ teams: TeamSummaryView[] }>('/api/teams'),
      200,
    );
    expect(nurses.teams.map((s) => s.id)).toEqual([first.team.id]);
    const others = expectStatus(
      await outsider!.agent.get<{ teams: TeamSummaryView[] }>('/api/teams'),
      200,
    );
    expect(others.teams).toEqual([]);

    expect((await nurse!.agent.post(`/api/teams/${first.team.id}/leave`)).status).toBe(204);
    const afterLeaving = await nurse!.agent.get<{ teams: TeamSummaryView[] }>('/api/teams');
    expect(afterLeaving.body.teams).toEqual([]);
  });

  it('shows on each card the open and overdue tasks and the next step, without titles', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    await inviteAndAccept(doctor!, team.id, nurse!);
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    for (const [title, due] of [
      ['Pansement', day(3)],
      ['Oubliée', day(-3)],
    ] as const)
      expectStatus(
        await nurse!.agent.post(`/api/teams/${team.id}/tasks`, {
          title,
          assigneeId: nurse!.id,
          due,
        }),
        201,
      );
    const { teams } = expectStatus(
      await doctor!.agent.get<{ teams: TeamSummaryView[] }>('/api/teams'),
      200,
    );
    expect(teams[0]).toMatchObject({
      id: team.id,
      tasks: { open: 2, overdue: 1 },
      gaps: ['members'],
    });
    expect(JSON.stringify(teams)).not.toContain('Pansement');
  });
});

describe('the patient file', () => {
  it('any member edits it; a bad INS is refused with its field', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    await inviteAndAccept(doctor!, team.id, nurse!);

    const identity = buildIdentity({ usedName: 'Durand', sex: 'F' });
    const res = await nurse!.agent.request<{ team: TeamView }>(
      'PATCH',
      `/api/teams/${team.id}/patient`,
      { identity, contact: { phone: '+33 6 12 34 56 78' }, ins: CORSICAN_INS },
    );
    const patient = expectStatus(res, 200).team.patient;
    expect(patient).toMatchObject({ identity, ins: CORSICAN_INS });
    expect(patient.contact?.phone).toBe('+33 6 12 34 56 78');

    const cleared = await nurse!.agent.request<{ team: TeamView }>(
      'PATCH',
      `/api/teams/${team.id}/patient`,
      { ins: null },
    );
    expect(expectStatus(cleared, 200).team.patient.ins).toBeUndefined();
    expect(cleared.body.team.patient.identity).toEqual(identity);

    const bad = await nurse!.agent.request<ErrorBody>('PATCH', `/api/teams/${team.id}/patient`, {
      ins: '185057800608492',
    });
    expectError(bad, 400, 'validation_failed');
    expect(bad.body.error.field).toBe('ins');
    expect((await getTeam(doctor!, team.id)).patient.ins).toBeUndefined();
  });
});

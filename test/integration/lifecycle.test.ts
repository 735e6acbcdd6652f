import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { termEnd } from '../../shared/src/rules/activation.js';
import type { TeamView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Agent, ErrorBody, HttpResult } from '../helpers/http.js';
import {
  activeTeam,
  buildConsent,
  buildInclusion,
  createTeam,
  expectError,
  expectStatus,
  getSettings,
  getTeam,
  invite,
  inviteAndAccept,
  signUpPros,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const statuses = (team: TeamView) => team.history.map((h) => h.status);

function expectHistoryInOrder(team: TeamView): void {
  const times = team.history.map((h) => Date.parse(h.at));
  expect(times.every((x) => !Number.isNaN(x))).toBe(true);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(times[0]!).toBeGreaterThanOrEqual(Date.parse(team.createdAt) - 1000);
}

const teamOf = (res: HttpResult<unknown>) =>
  expectStatus(res as HttpResult<{ team: TeamView }>, 200).team;

/** Every write of a team, with valid bodies, for the read-only checks. */
function writes(teamId: string, ids: { invitation: string; member: string; doctor: string }) {
  return (a: Agent): Array<[string, () => Promise<HttpResult<unknown>>]> => [
    [
      'PATCH patient',
      () =>
        a.request('PATCH', `/api/teams/${teamId}/patient`, { contact: { phone: '0600000000' } }),
    ],
    [
      'invite',
      () => a.post(`/api/teams/${teamId}/invitations`, { invitee: { email: 'x.y@exemple.fr' } }),
    ],
    ['cancel', () => a.post(`/api/teams/${teamId}/invitations/${ids.invitation}/cancel`)],
    ['remove', () => a.post(`/api/teams/${teamId}/members/${ids.member}/remove`)],
    [
      'medecin-traitant',
      () => a.post(`/api/teams/${teamId}/medecin-traitant`, { professionalId: ids.doctor }),
    ],
    ['renew', () => a.post(`/api/teams/${teamId}/renew`, { inclusion: buildInclusion() })],
    ['consent/withdraw', () => a.post(`/api/teams/${teamId}/consent/withdraw`, {})],
    ['leave', () => a.post(`/api/teams/${teamId}/leave`)],
  ];
}

describe('activation', () => {
  it('PENDING with two members, ACTIVE when the third accepts: history and term', async () => {
    const [doctor, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const { team } = await createTeam(doctor!);
    await inviteAndAccept(doctor!, team.id, nurse!);
    const two = await getTeam(doctor!, team.id);
    expect(two).toMatchObject({ status: 'pending', gaps: ['members'] });
    expect(two.termStartedAt).toBeUndefined();

    const before = Date.now();
    await inviteAndAccept(doctor!, team.id, pharmacist!);
    const three = await getTeam(pharmacist!, team.id);
    expect(three).toMatchObject({ status: 'active', gaps: [], readOnly: false, termNumber: 1 });
    expect(statuses(three)).toEqual(['pending', 'active']);
    expectHistoryInOrder(three);
    const started = Date.parse(three.termStartedAt!);
    expect(started).toBeGreaterThanOrEqual(before - 1000);
    expect(started).toBeLessThanOrEqual(Date.now() + 1000);
    expect(three.termEndsAt).toBe(termEnd(new Date(three.termStartedAt!)).toISOString());
    expect(Date.parse(three.history[1]!.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('waits for the médecin traitant: three members without them stay PENDING', async () => {
    const [nurse, pharmacist, kine, doctor] = await signUpPros(t, [
      'infirmier',
      'pharmacien',
      'masseur_kinesitherapeute',
      'medecin',
    ]);
    const { team } = await createTeam(nurse!, { medecinTraitant: { rpps: doctor!.input.rpps } });
    await inviteAndAccept(nurse!, team.id, pharmacist!);
    await inviteAndAccept(nurse!, team.id, kine!);
    expect(await getTeam(nurse!, team.id)).toMatchObject({
      status: 'pending',
      gaps: ['medecin_traitant'],
    });
    const mtInvitation = team.invitations.find((i) => i.asMedecinTraitant)!;
    expectStatus(await doctor!.agent.post(`/api/invitations/${mtInvitation.id}/accept`), 200);
    const after = await getTeam(doctor!, team.id);
    expect(after).toMatchObject({ status: 'active', gaps: [] });
    expect(after.members).toHaveLength(4);
    expect(after.can).toMatchObject({
      'member.invite': true,
      'member.remove': true,
      'team.close': true,
      'patient.update': true,
    });
  });

  it('a member leaving suspends the team; a new member reactivates it in the same term', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const [kine] = await signUpPros(t, ['masseur_kinesitherapeute']);
    expect((await nurse.agent.post(`/api/teams/${team.id}/leave`)).status).toBe(204);
    const suspended = await getTeam(creator, team.id);
    expect(suspended).toMatchObject({ status: 'suspended', gaps: ['members'], readOnly: false });
    expect(statuses(suspended)).toEqual(['pending', 'active', 'suspended']);
    expect(suspended.members.map((m) => m.professional.id)).not.toContain(nurse.id);
    expect(suspended.termStartedAt).toBe(team.termStartedAt);

    await inviteAndAccept(creator, team.id, kine!);
    const again = await getTeam(creator, team.id);
    expect(again.status).toBe('active');
    expect(statuses(again)).toEqual(['pending', 'active', 'suspended', 'active']);
    expectHistoryInOrder(again);
    expect(again).toMatchObject({
      termNumber: 1,
      termStartedAt: team.termStartedAt,
      termEndsAt: team.termEndsAt,
    });
  });

  it('removing a member suspends the team too', async () => {
    const { team, creator, pharmacist } = await activeTeam(t);
    const res = await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`);
    expect(teamOf(res)).toMatchObject({ status: 'suspended', gaps: ['members'] });
    expect(teamOf(res).members).toHaveLength(2);
  });
});

describe('the médecin traitant', () => {
  it('invited by e-mail then cancelled, or declined by RPPS: no longer designated', async () => {
    const [nurse, doctor] = await signUpPros(t, ['infirmier', 'medecin']);
    const byEmail = (await createTeam(nurse!, { medecinTraitant: { email: 'dr.x@exemple.fr' } }))
      .team;
    expect(byEmail.medecinTraitant).toEqual({ email: 'dr.x@exemple.fr' });
    const cancelled = teamOf(
      await nurse!.agent.post(
        `/api/teams/${byEmail.id}/invitations/${byEmail.invitations[0]!.id}/cancel`,
      ),
    );
    expect(cancelled.medecinTraitant).toBeNull();
    expect(cancelled.gaps).toContain('medecin_traitant');

    const byRpps = (await createTeam(nurse!, { medecinTraitant: { rpps: doctor!.input.rpps } }))
      .team;
    expect(byRpps.medecinTraitant).toMatchObject({ professional: { id: doctor!.id } });
    expectStatus(
      await doctor!.agent.post(`/api/invitations/${byRpps.invitations[0]!.id}/decline`),
      204,
    );
    expect((await getTeam(nurse!, byRpps.id)).medecinTraitant).toBeNull();
  });

  it('is replaced by accepting an invitation asMedecinTraitant; the old one loses manager rights', async () => {
    const [nurse, doctor1, pharmacist, doctor2] = await signUpPros(t, [
      'infirmier',
      'medecin',
      'pharmacien',
      'medecin',
    ]);
    const { team } = await createTeam(nurse!, { medecinTraitant: { rpps: doctor1!.input.rpps } });
    const first = team.invitations[0]!;
    expectStatus(await doctor1!.agent.post(`/api/invitations/${first.id}/accept`), 200);
    await inviteAndAccept(doctor1!, team.id, pharmacist!);
    expect((await getTeam(nurse!, team.id)).status).toBe('active');

    await inviteAndAccept(nurse!, team.id, doctor2!, true);
    const after = await getTeam(nurse!, team.id);
    expect(after.status).toBe('active');
    expect(after.medecinTraitant).toMatchObject({ professional: { id: doctor2!.id } });
    expect(after.members.filter((m) => m.isMedecinTraitant).map((m) => m.professional.id)).toEqual([
      doctor2!.id,
    ]);
    expect(after.members.map((m) => m.professional.id)).toContain(doctor1!.id);
    expect((await getTeam(doctor1!, team.id)).can).toMatchObject({
      'member.invite': false,
      'team.close': false,
    });
    expect((await getTeam(doctor2!, team.id)).can).toMatchObject({
      'member.invite': true,
      'team.close': true,
    });
    expectError(
      await doctor1!.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }),
      403,
      'forbidden',
    );
  });

  it('switches at once to a member médecin; refuses a non-médecin or a non-member', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const [doctor2, outsider] = await signUpPros(t, ['medecin', 'medecin']);
    await inviteAndAccept(creator, team.id, doctor2!);
    const path = `/api/teams/${team.id}/medecin-traitant`;

    const bad = async (professionalId: string, status: number, code: string) =>
      expectError(await creator.agent.post<ErrorBody>(path, { professionalId }), status, code);
    await bad(nurse.id, 400, 'not_a_physician');
    await bad(outsider!.id, 400, 'not_member');
    await bad('not-an-id', 400, 'validation_failed');
    expect((await getTeam(creator, team.id)).medecinTraitant).toMatchObject({
      professional: { id: creator.id },
    });

    const res = await creator.agent.post(path, { professionalId: doctor2!.id });
    const switched = teamOf(res);
    expect(switched.medecinTraitant).toMatchObject({ professional: { id: doctor2!.id } });
    expect(switched.members.filter((m) => m.isMedecinTraitant)).toHaveLength(1);
    expect(switched.status).toBe('active');

    // Without the médecin traitant among the members the team is suspended.
    expect((await doctor2!.agent.post(`/api/teams/${team.id}/leave`)).status).toBe(204);
    expect(await getTeam(creator, team.id)).toMatchObject({
      status: 'suspended',
      gaps: ['medecin_traitant'],
    });
  });
});

describe('consent', () => {
  it('withdrawn: suspended and read-only; a new consent makes the team active again', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const { invitation } = await invite(creator, team.id, { invitee: { email: 'z.z@exemple.fr' } });
    expectError(
      await nurse.agent.post(`/api/teams/${team.id}/consent`, buildConsent()),
      409,
      'consent_in_force',
    );

    const res = await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {});
    const withdrawn = teamOf(res);
    expect(withdrawn).toMatchObject({
      status: 'suspended',
      gaps: ['consent'],
      readOnly: true,
      consent: { withdrawnBy: { id: nurse.id } },
    });
    expect(Date.parse(withdrawn.consent.withdrawnAt!)).not.toBeNaN();
    expect((await getTeam(nurse, team.id)).can['patient.update']).toBe(false);

    const ids = { invitation: invitation.id, member: pharmacist.id, doctor: creator.id };
    for (const [name, call] of writes(team.id, ids)(creator.agent)) {
      const r = await call();
      expect({ name, status: r.status, code: (r.body as ErrorBody).error?.code }).toEqual({
        name,
        status: 409,
        code: 'read_only',
      });
    }
    // Reads still work.
    expect((await getTeam(pharmacist, team.id)).members).toHaveLength(3);
    expectStatus(await pharmacist.agent.get(`/api/teams/${team.id}/audit`), 200);

    const renewed = teamOf(
      await pharmacist.agent.post(
        `/api/teams/${team.id}/consent`,
        buildConsent({ method: 'ecrit' }),
      ),
    );
    expect(renewed).toMatchObject({
      status: 'active',
      gaps: [],
      readOnly: false,
      consent: { method: 'ecrit', recordedBy: { id: pharmacist.id } },
    });
    expect(renewed.consent.withdrawnAt).toBeUndefined();
    expect(statuses(renewed)).toEqual(['pending', 'active', 'suspended', 'active']);
    expect(renewed.termStartedAt).toBe(team.termStartedAt);
  });
});

describe('renewal', () => {
  it('starts a new term at the end of the current one, with a new scoring', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const { eligibilityThreshold } = await getSettings(creator);
    expectError(
      await nurse.agent.post(`/api/teams/${team.id}/renew`, { inclusion: buildInclusion() }),
      403,
      'forbidden',
    );
    expectError(
      await creator.agent.post(`/api/teams/${team.id}/renew`, {
        inclusion: buildInclusion({ score: eligibilityThreshold - 1 }),
      }),
      422,
      'score_below_threshold',
    );
    expectError(
      await creator.agent.post(`/api/teams/${team.id}/renew`, {
        inclusion: buildInclusion({ gridVersion: 'v2' }),
      }),
      409,
      'grid_outdated',
    );
    const inclusion = buildInclusion({ category: 'soins_palliatifs', score: 25 });
    const renewed = teamOf(await creator.agent.post(`/api/teams/${team.id}/renew`, { inclusion }));
    expect(renewed).toMatchObject({ status: 'active', termNumber: 2 });
    expect(renewed.termStartedAt).toBe(team.termEndsAt);
    expect(renewed.termEndsAt).toBe(termEnd(new Date(team.termEndsAt!)).toISOString());
    expect(renewed.inclusions).toHaveLength(2);
    expect(renewed.inclusions).toContainEqual(
      expect.objectContaining({
        category: 'soins_palliatifs',
        gridVersion: inclusion.gridVersion,
        score: 25,
        recordedBy: expect.objectContaining({ id: creator.id }) as unknown,
      }),
    );
  });
});

describe('closure', () => {
  it('closes with a reason; every write then answers 409 team_closed; reads still work', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const { invitation } = await invite(creator, team.id, { invitee: { email: 'c.c@exemple.fr' } });
    expectError(
      await nurse.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }),
      403,
      'forbidden',
    );
    const noComment = await creator.agent.post<ErrorBody>(`/api/teams/${team.id}/close`, {
      reason: 'autre',
    });
    expectError(noComment, 400, 'validation_failed');
    expect(noComment.body.error.field).toBe('comment');

    const closed = teamOf(
      await creator.agent.post(`/api/teams/${team.id}/close`, {
        reason: 'demenagement',
        comment: 'Parti à Lyon',
      }),
    );
    expect(closed).toMatchObject({
      status: 'closed',
      gaps: ['closed'],
      readOnly: true,
      closure: { reason: 'demenagement', comment: 'Parti à Lyon', by: { id: creator.id } },
      can: {
        'member.invite': false,
        'patient.update': false,
        'team.close': false,
        'consent.record': false,
      },
    });
    expect(statuses(closed)).toEqual(['pending', 'active', 'closed']);

    const ids = { invitation: invitation.id, member: pharmacist.id, doctor: creator.id };
    const all = [
      ...writes(team.id, ids)(creator.agent),
      ['consent', () => nurse.agent.post(`/api/teams/${team.id}/consent`, buildConsent())] as const,
      [
        'close',
        () => creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }),
      ] as const,
    ];
    for (const [name, call] of all) {
      const r = await call();
      expect({ name, status: r.status, code: (r.body as ErrorBody).error?.code }).toEqual({
        name,
        status: 409,
        code: 'team_closed',
      });
    }
    expect(await getTeam(nurse, team.id)).toMatchObject({
      status: 'closed',
      members: closed.members,
    });
    expectStatus(await nurse.agent.get(`/api/teams/${team.id}/audit`), 200);
    expect((await nurse.agent.get(`/api/teams/${team.id}/audit/export`)).status).toBe(200);
  });

  it('a team whose consent was withdrawn can still be closed', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    teamOf(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}));
    const closed = teamOf(
      await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'retrait_consentement' }),
    );
    expect(closed).toMatchObject({ status: 'closed', closure: { reason: 'retrait_consentement' } });
    expect(statuses(closed)).toEqual(['pending', 'active', 'suspended', 'closed']);
  });
});

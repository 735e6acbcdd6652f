import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent, type ErrorBody, type HttpResult } from '../helpers/http.js';
import {
  activeTeam,
  buildConsent,
  buildInclusion,
  connect,
  expectError,
  expectStatus,
  getTeam,
  invite,
  signUpPros,
  teamGet,
  teamWithFormerMembers,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Call = [name: string, run: (a: Agent) => Promise<HttpResult<unknown>>];

/** Every /api/teams/:id route, with valid bodies (so only access decides the answer). */
function teamRoutes(
  teamId: string,
  ids: { invitation: string; member: string; doctor: string },
): Call[] {
  const base = `/api/teams/${teamId}`;
  return [
    ['GET team', (a) => a.get(base)],
    [
      'PATCH patient',
      (a) => a.request('PATCH', `${base}/patient`, { contact: { phone: '0102030405' } }),
    ],
    [
      'POST invitations',
      (a) => a.post(`${base}/invitations`, { invitee: { email: 'a.b@exemple.fr' } }),
    ],
    ['POST cancel', (a) => a.post(`${base}/invitations/${ids.invitation}/cancel`)],
    ['POST leave', (a) => a.post(`${base}/leave`)],
    ['POST remove', (a) => a.post(`${base}/members/${ids.member}/remove`)],
    [
      'POST medecin-traitant',
      (a) => a.post(`${base}/medecin-traitant`, { professionalId: ids.doctor }),
    ],
    ['POST consent/withdraw', (a) => a.post(`${base}/consent/withdraw`, {})],
    ['POST consent', (a) => a.post(`${base}/consent`, buildConsent())],
    ['POST renew', (a) => a.post(`${base}/renew`, { inclusion: buildInclusion() })],
    ['POST close', (a) => a.post(`${base}/close`, { reason: 'deces' })],
    ['GET audit', (a) => a.get(`${base}/audit`)],
    ['GET audit/export', (a) => a.get(`${base}/audit/export`)],
    ['GET fhir', (a) => a.get(`${base}/fhir`)],
  ];
}

async function expectAllNotFound(who: string, calls: Call[], agent: Agent): Promise<void> {
  const answers = [];
  for (const [name, run] of calls) {
    const res = await run(agent);
    answers.push({ who, name, status: res.status, code: (res.body as ErrorBody)?.error?.code });
  }
  expect(answers).toEqual(calls.map(([name]) => ({ who, name, status: 404, code: 'not_found' })));
}

describe('only current members see a team (CSP L.1110-4)', () => {
  it('answers 404 not_found to outsiders, removed members and leavers on every route', async () => {
    const ctx = await teamWithFormerMembers(t);
    const before: TeamView = await getTeam(ctx.creator, ctx.team.id);
    const calls = teamRoutes(ctx.team.id, ctx.ids);
    const others: Array<[string, Pro]> = [
      ['outsider', ctx.outsider],
      ['removed member', ctx.removed],
      ['member who left', ctx.leaver],
      ['pending invitee', ctx.invitee],
    ];
    for (const [who, pro] of others) await expectAllNotFound(who, calls, pro.agent);

    // Nothing changed.
    const after = await getTeam(ctx.creator, ctx.team.id);
    expect(after).toMatchObject({
      status: before.status,
      members: before.members,
      invitations: before.invitations,
      patient: before.patient,
      consent: before.consent,
      termNumber: before.termNumber,
    });
    expect(after.status).toBe('active');
  });

  it('answers the same 404 for a team that does not exist, even to a member of other teams', async () => {
    const ctx = await teamWithFormerMembers(t);
    const missing = randomBytes(12).toString('hex');
    await expectAllNotFound(
      'member of another team',
      teamRoutes(missing, ctx.ids),
      ctx.creator.agent,
    );
  });

  it('asks for a session first (401) on team routes', async () => {
    const ctx = await teamWithFormerMembers(t);
    const anon = await new Agent(t.baseUrl).init();
    for (const [name, run] of teamRoutes(ctx.team.id, ctx.ids)) {
      const res = await run(anon);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
  });

  it('answers not_found to team:get over the socket for anyone but a current member', async () => {
    const ctx = await teamWithFormerMembers(t);
    const missing = randomBytes(12).toString('hex');
    for (const pro of [ctx.outsider, ctx.removed, ctx.leaver, ctx.invitee]) {
      const client = await connect(pro);
      try {
        const ack = await teamGet(client, ctx.team.id);
        expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
        expect(JSON.stringify(ack)).not.toContain(ctx.team.patient.identity.birthName);
      } finally {
        client.close();
      }
    }
    const member = await connect(ctx.nurse);
    try {
      const ack = await teamGet(member, ctx.team.id);
      expect(ack.ok).toBe(true);
      if (ack.ok) {
        expect(ack.data).toMatchObject({ id: ctx.team.id, status: 'active' });
        expect(ack.data.patient.identity.birthName).toBe(ctx.team.patient.identity.birthName);
        expect(ack.data.can).toMatchObject({
          'member.invite': false,
          'member.remove': false,
          'team.close': false,
          'patient.update': true,
          'message.send': true,
        });
      }
      expect(await teamGet(member, missing)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await teamGet(member, 'nonsense')).toMatchObject({ ok: false });
    } finally {
      member.close();
    }
  });
});

describe('manager rights', () => {
  it('answers 403 forbidden to a member who is neither creator nor médecin traitant', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [invitee] = await signUpPros(t, ['orthoptiste']);
    const { invitation } = await invite(creator, team.id, {
      invitee: { rpps: invitee!.input.rpps },
    });
    const base = `/api/teams/${team.id}`;
    const managerOnly: Call[] = [
      [
        'POST invitations',
        (a) => a.post(`${base}/invitations`, { invitee: { email: 'q.q@exemple.fr' } }),
      ],
      ['POST cancel', (a) => a.post(`${base}/invitations/${invitation.id}/cancel`)],
      ['POST remove', (a) => a.post(`${base}/members/${pharmacist.id}/remove`)],
      [
        'POST medecin-traitant',
        (a) => a.post(`${base}/medecin-traitant`, { professionalId: creator.id }),
      ],
      ['POST renew', (a) => a.post(`${base}/renew`, { inclusion: buildInclusion() })],
      ['POST close', (a) => a.post(`${base}/close`, { reason: 'deces' })],
    ];
    const answers = [];
    for (const [name, run] of managerOnly) {
      const res = await run(nurse.agent);
      answers.push({ name, status: res.status, code: (res.body as ErrorBody)?.error?.code });
    }
    expect(answers).toEqual(
      managerOnly.map(([name]) => ({ name, status: 403, code: 'forbidden' })),
    );

    const after = await getTeam(nurse, team.id);
    expect(after).toMatchObject({
      status: 'active',
      can: {
        'member.invite': false,
        'member.remove': false,
        'team.close': false,
        'patient.update': true,
        'message.send': true,
      },
    });
    expect(after.members).toHaveLength(3);
    expect(after.invitations.find((i) => i.id === invitation.id)?.status).toBe('pending');
    expect(after.invitations).toHaveLength(1);
    expect((await getTeam(creator, team.id)).can).toMatchObject({
      'member.invite': true,
      'team.close': true,
      'patient.update': true,
    });
  });

  it('lets any member read, edit the patient file, record consent and leave', async () => {
    const { team, nurse } = await activeTeam(t);
    const base = `/api/teams/${team.id}`;
    expectStatus(await nurse.agent.get(base), 200);
    expectStatus(
      await nurse.agent.request('PATCH', `${base}/patient`, { contact: { phone: '0600000001' } }),
      200,
    );
    expectStatus(await nurse.agent.get(`${base}/audit`), 200);
    expect((await nurse.agent.get(`${base}/audit/export`)).status).toBe(200);
    expectStatus(await nurse.agent.post(`${base}/consent/withdraw`, {}), 200);
    expectStatus(await nurse.agent.post(`${base}/consent`, buildConsent()), 200);
    expect((await nurse.agent.post(`${base}/leave`)).status).toBe(204);
    expectError(await nurse.agent.get(base), 404, 'not_found');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedInvitationView,
  InboxInvitationView,
  InvitationLinkView,
  TeamView,
} from '../../shared/src/views.js';
import { uniqueRpps } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent, type ErrorBody } from '../helpers/http.js';
import {
  createTeam,
  expectError,
  expectStatus,
  getSettings,
  getTeam,
  invite,
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

const inbox = async (pro: Pro) =>
  expectStatus(await pro.agent.get<{ invitations: InboxInvitationView[] }>('/api/invitations'), 200)
    .invitations;

const invitationIn = (team: TeamView, id: string) => team.invitations.find((i) => i.id === id);

/**
 * The team lists its pending invitations only (a server choice docs/api-teams.md leaves open):
 * once answered, an invitation leaves the list and its stored status tells what happened.
 */
async function expectAnswered(team: TeamView, id: string, status: string): Promise<void> {
  expect(invitationIn(team, id)).toBeUndefined();
  const { Types } = await import('mongoose');
  const stored = await t.db.collection('invitations').findOne({ _id: new Types.ObjectId(id) });
  expect(stored?.status).toBe(status);
}

/** Makes an invitation out of date, as time would (test setup through the database). */
async function expireInvitation(id: string): Promise<void> {
  const { Types } = await import('mongoose');
  const res = await t.db
    .collection('invitations')
    .updateOne(
      { _id: new Types.ObjectId(id) },
      { $set: { expiresAt: new Date(Date.now() - 60_000) } },
    );
  expect(res.matchedCount).toBe(1);
}

describe('inviting by RPPS', () => {
  it('invites a registered professional, who sees it in their inbox without patient data', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const settings = await getSettings(doctor!);
    const res = await doctor!.agent.post<CreatedInvitationView>(
      `/api/teams/${team.id}/invitations`,
      { invitee: { rpps: nurse!.input.rpps } },
    );
    const { invitation, link } = expectStatus(res, 201);
    expect(link).toBeUndefined();
    expect(invitation).toMatchObject({
      teamId: team.id,
      status: 'pending',
      invitedBy: { id: doctor!.id },
      invitee: { professional: { id: nurse!.id, profession: 'infirmier' } },
      asMedecinTraitant: false,
    });
    const ttl = Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt);
    expect(Math.abs(ttl - settings.invitationTtlDays * 86_400_000)).toBeLessThan(60_000);

    const mine = await inbox(nurse!);
    expect(mine).toEqual([
      expect.objectContaining({
        id: invitation.id,
        teamId: team.id,
        invitedBy: expect.objectContaining({ id: doctor!.id }) as unknown,
        asMedecinTraitant: false,
      }),
    ]);
    const json = JSON.stringify(mine);
    expect(json).not.toContain(team.patient.identity.birthName);
    expect(json).not.toContain(team.patient.ins!);
    expect(await inbox(doctor!)).toEqual([]);
    expect(invitationIn(await getTeam(doctor!, team.id), invitation.id)?.status).toBe('pending');
  });

  it('refuses an unknown RPPS (404), a second invitation (409) and a member (409)', async () => {
    const [doctor, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const { team } = await createTeam(doctor!);
    const path = `/api/teams/${team.id}/invitations`;
    expectError(
      await doctor!.agent.post(path, { invitee: { rpps: uniqueRpps() } }),
      404,
      'professional_not_found',
    );
    await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const count = await t.db.collection('invitations').countDocuments();
    expectError(
      await doctor!.agent.post(path, { invitee: { rpps: nurse!.input.rpps } }),
      409,
      'already_invited',
    );
    // The same professional by e-mail is the same invitee.
    expectError(
      await doctor!.agent.post(path, { invitee: { email: nurse!.input.email } }),
      409,
      'already_invited',
    );
    expectError(
      await doctor!.agent.post(path, { invitee: { rpps: doctor!.input.rpps } }),
      409,
      'already_member',
    );
    await inviteAndAccept(doctor!, team.id, pharmacist!);
    expectError(
      await doctor!.agent.post(path, { invitee: { rpps: pharmacist!.input.rpps } }),
      409,
      'already_member',
    );
    expect(await t.db.collection('invitations').countDocuments()).toBe(count + 1);
    const bad = await doctor!.agent.post<ErrorBody>(path, { invitee: { rpps: '123' } });
    expectError(bad, 400, 'validation_failed');
    expectError(
      await doctor!.agent.post(path, { invitee: { rpps: nurse!.input.rpps }, role: 'admin' }),
      400,
      'validation_failed',
    );
  });

  it('invites by the e-mail of a registered professional as that professional', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, {
      invitee: { email: nurse!.input.email.toUpperCase() },
    });
    expect(invitation.invitee).toMatchObject({ professional: { id: nurse!.id } });
    expect((await inbox(nurse!)).map((i) => i.id)).toEqual([invitation.id]);
    expectError(
      await doctor!.agent.post(`/api/teams/${team.id}/invitations`, {
        invitee: { rpps: nurse!.input.rpps },
      }),
      409,
      'already_invited',
    );
  });

  it('refuses an invitation of the same person first invited by e-mail, now registered', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const email = `later.${uniqueRpps()}@exemple.fr`;
    await invite(doctor, team.id, { invitee: { email } });
    const nurse = await signUpPro(t, { profession: 'infirmier', email });
    expectError(
      await doctor.agent.post(`/api/teams/${team.id}/invitations`, {
        invitee: { rpps: nurse.input.rpps },
      }),
      409,
      'already_invited',
    );
  });
});

describe('answering an invitation', () => {
  it('accepting joins the team once; the invitation is then used', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    expectError(await nurse!.agent.get(`/api/teams/${team.id}`), 404, 'not_found');
    const res = await nurse!.agent.post<{ teamId: string }>(
      `/api/invitations/${invitation.id}/accept`,
    );
    expect(expectStatus(res, 200)).toEqual({ teamId: team.id });
    const after = await getTeam(nurse!, team.id);
    expect(after.members.map((m) => m.professional.id).sort()).toEqual(
      [doctor!.id, nurse!.id].sort(),
    );
    await expectAnswered(after, invitation.id, 'accepted');
    expect(await inbox(nurse!)).toEqual([]);
    expectError(
      await nurse!.agent.post(`/api/invitations/${invitation.id}/accept`),
      409,
      'invitation_used',
    );
    expect((await getTeam(nurse!, team.id)).members).toHaveLength(2);
  });

  it('only the invitee may answer', async () => {
    const [doctor, nurse, intruder] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    for (const action of ['accept', 'decline']) {
      const res = await intruder!.agent.post<ErrorBody>(
        `/api/invitations/${invitation.id}/${action}`,
      );
      expect([403, 404]).toContain(res.status);
      expect(['forbidden', 'not_found']).toContain(res.body.error.code);
    }
    expectError(await intruder!.agent.get(`/api/teams/${team.id}`), 404, 'not_found');
    expect(invitationIn(await getTeam(doctor!, team.id), invitation.id)?.status).toBe('pending');
  });

  it('declining answers 204 and closes the invitation', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    expect((await nurse!.agent.post(`/api/invitations/${invitation.id}/decline`)).status).toBe(204);
    expect(await inbox(nurse!)).toEqual([]);
    const after = await getTeam(doctor!, team.id);
    await expectAnswered(after, invitation.id, 'declined');
    expect(after.members).toHaveLength(1);
    expectError(
      await nurse!.agent.post(`/api/invitations/${invitation.id}/accept`),
      409,
      'invitation_used',
    );
    // Declined, the professional may be invited again.
    await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
  });

  it('a manager cancels a pending invitation; it can no longer be accepted', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const res = await doctor!.agent.post<{ team: TeamView }>(
      `/api/teams/${team.id}/invitations/${invitation.id}/cancel`,
    );
    await expectAnswered(expectStatus(res, 200).team, invitation.id, 'cancelled');
    expect(await inbox(nurse!)).toEqual([]);
    expectError(
      await nurse!.agent.post(`/api/invitations/${invitation.id}/accept`),
      409,
      'invitation_used',
    );
    expect((await getTeam(doctor!, team.id)).members).toHaveLength(1);
  });

  it('an expired invitation cannot be accepted (410)', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    await expireInvitation(invitation.id);
    expectError(
      await nurse!.agent.post(`/api/invitations/${invitation.id}/accept`),
      410,
      'invitation_expired',
    );
    expect((await getTeam(doctor!, team.id)).members).toHaveLength(1);
  });
});

describe('e-mail links', () => {
  async function emailInvitation() {
    const [doctor, bystander] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const email = `kine.${uniqueRpps()}@exemple.fr`;
    const created = await invite(doctor!, team.id, { invitee: { email } });
    return { doctor: doctor!, bystander: bystander!, team, email, created };
  }

  it('gives link info without a session and without patient data', async () => {
    const { doctor, team, email, created } = await emailInvitation();
    expect(created.invitation).toMatchObject({ status: 'pending', invitee: { email } });
    const token = tokenOf(created.link);
    const res = await new Agent(t.baseUrl).get<InvitationLinkView>(
      `/api/invitations/link/${token}`,
    );
    expect(expectStatus(res, 200)).toMatchObject({
      status: 'pending',
      email,
      invitedBy: { id: doctor.id },
      expiresAt: created.invitation.expiresAt,
    });
    const json = JSON.stringify(res.body);
    expect(json).not.toContain(team.patient.identity.birthName);
    expectError(
      await new Agent(t.baseUrl).get(`/api/invitations/link/${'x'.repeat(40)}`),
      404,
      'not_found',
    );
    // A second invitation to the same address in this team is refused.
    expectError(
      await doctor.agent.post(`/api/teams/${team.id}/invitations`, { invitee: { email } }),
      409,
      'already_invited',
    );
  });

  it('is claimed once by a newly registered professional; a second claim is refused', async () => {
    const { doctor, team, email, created } = await emailInvitation();
    const token = tokenOf(created.link);
    expectError(
      await (await new Agent(t.baseUrl).init()).post('/api/invitations/claim', { token }),
      401,
      'unauthenticated',
    );

    const kine = await markEmailVerified(
      t,
      await signUpPro(t, { profession: 'masseur_kinesitherapeute', email }),
    );
    const claim = await kine.agent.post<{ teamId: string }>('/api/invitations/claim', { token });
    expect(expectStatus(claim, 200)).toEqual({ teamId: team.id });
    const after = await getTeam(kine, team.id);
    expect(after.members.map((m) => m.professional.id)).toContain(kine.id);
    await expectAnswered(after, created.invitation.id, 'accepted');

    const latecomer = await signUpPro(t, { profession: 'orthophoniste' });
    expectError(
      await latecomer.agent.post('/api/invitations/claim', { token }),
      409,
      'invitation_used',
    );
    expectError(await latecomer.agent.get(`/api/teams/${team.id}`), 404, 'not_found');
    const info = await new Agent(t.baseUrl).get<InvitationLinkView>(
      `/api/invitations/link/${token}`,
    );
    expect(expectStatus(info, 200).status).toBe('accepted');
    expect((await getTeam(doctor, team.id)).members).toHaveLength(2);
  });

  it('a cancelled link is used (409); an expired one is gone (410)', async () => {
    const cancelled = await emailInvitation();
    expectStatus(
      await cancelled.doctor.agent.post(
        `/api/teams/${cancelled.team.id}/invitations/${cancelled.created.invitation.id}/cancel`,
      ),
      200,
    );
    const someone = await signUpPro(t, { email: cancelled.email });
    expectError(
      await someone.agent.post('/api/invitations/claim', {
        token: tokenOf(cancelled.created.link),
      }),
      409,
      'invitation_used',
    );

    const expired = await emailInvitation();
    await expireInvitation(expired.created.invitation.id);
    const token = tokenOf(expired.created.link);
    const info = await new Agent(t.baseUrl).get<InvitationLinkView | ErrorBody>(
      `/api/invitations/link/${token}`,
    );
    // Either way the link must say it is out of date.
    if (info.status === 200) expect((info.body as InvitationLinkView).status).toBe('expired');
    else expectError(info, 410, 'invitation_expired');
    const late = await signUpPro(t, { email: expired.email });
    expectError(
      await late.agent.post('/api/invitations/claim', { token }),
      410,
      'invitation_expired',
    );
    expectError(await late.agent.get(`/api/teams/${expired.team.id}`), 404, 'not_found');
    expect((await getTeam(expired.doctor, expired.team.id)).members).toHaveLength(1);
  });

  it('refuses a malformed claim', async () => {
    const pro = await signUpPro(t);
    expectError(
      await pro.agent.post('/api/invitations/claim', { token: 'short' }),
      400,
      'validation_failed',
    );
    expectError(
      await pro.agent.post('/api/invitations/claim', { token: 'y'.repeat(40) }),
      404,
      'not_found',
    );
  });
});

describe('accepting as médecin traitant', () => {
  it('makes the invitee the médecin traitant; the previous one stays a member', async () => {
    const [doctor, nurse, doctor2] = await signUpPros(t, ['medecin', 'infirmier', 'medecin']);
    const { team } = await createTeam(doctor!);
    await inviteAndAccept(doctor!, team.id, nurse!);
    await inviteAndAccept(doctor!, team.id, doctor2!, true);
    const after = await getTeam(doctor!, team.id);
    expect(after.medecinTraitant).toMatchObject({ professional: { id: doctor2!.id } });
    const flags = Object.fromEntries(
      after.members.map((m) => [m.professional.id, m.isMedecinTraitant]),
    );
    expect(flags).toEqual({ [doctor!.id]: false, [nurse!.id]: false, [doctor2!.id]: true });
  });
});

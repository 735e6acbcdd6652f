import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  buildConsent,
  createTeam,
  expectError,
  expectSilence,
  expectStatus,
  invite,
  signUpPro,
  signUpPros,
  teamGet,
  type Pro,
  liveClients,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();

const patch = (pro: Pro, teamId: string, phone = '0611111111') =>
  pro.agent.request('PATCH', `/api/teams/${teamId}/patient`, { contact: { phone } });

describe('team:changed and invitations, live', () => {
  it('members follow the team from invitation to activation; an outsider hears nothing', async () => {
    const [doctor, nurse, pharmacist, outsider] = await signUpPros(t, [
      'medecin',
      'infirmier',
      'pharmacien',
      'medecin',
    ]);
    const outsiderLive = await live(outsider!);
    const { team } = await createTeam(doctor!);
    const doctorLive = await live(doctor!);
    const nurseLive = await live(nurse!);

    // Invitation: the invitee's own sockets get it, without patient data; members see the change.
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const received = await nurseLive.waitFor('invitation:received', (p) => p.id === invitation.id);
    expect(received).toMatchObject({
      teamId: team.id,
      invitedBy: { id: doctor!.id },
      asMedecinTraitant: false,
    });
    expect(JSON.stringify(received)).not.toContain(team.patient.identity.birthName);
    await doctorLive.waitFor('team:changed', (p) => p.teamId === team.id && p.status === 'pending');

    // Acceptance: members are told; the new member's open socket joins the room at once.
    doctorLive.clear();
    expectStatus(await nurse!.agent.post(`/api/invitations/${invitation.id}/accept`), 200);
    await doctorLive.waitFor('team:changed', (p) => p.teamId === team.id);
    nurseLive.clear();
    expectStatus(await patch(doctor!, team.id), 200);
    await nurseLive.waitFor('team:changed', (p) => p.teamId === team.id);

    // The third member: everyone sees ACTIVE.
    const pharmacistLive = await live(pharmacist!);
    const second = await invite(doctor!, team.id, { invitee: { rpps: pharmacist!.input.rpps } });
    await pharmacistLive.waitFor('invitation:received', (p) => p.id === second.invitation.id);
    expectStatus(
      await pharmacist!.agent.post(`/api/invitations/${second.invitation.id}/accept`),
      200,
    );
    const isActive = (p: { teamId: string; status: string }) =>
      p.teamId === team.id && p.status === 'active';
    await Promise.all(
      [doctorLive, nurseLive, pharmacistLive].map((c) => c.waitFor('team:changed', isActive)),
    );

    // Never a word to the outsider, and team events carry no patient data.
    expect(outsiderLive.received).toEqual([]);
    for (const c of [doctorLive, nurseLive, pharmacistLive])
      for (const r of c.received.filter((x) => x.event === 'team:changed'))
        expect(Object.keys(r.payload as object).sort()).toEqual(['status', 'teamId']);
  });

  it('a socket opened later joins the rooms of its teams at connection', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const nurseLive = await live(nurse);
    expectStatus(await patch(creator, team.id), 200);
    expect(await nurseLive.waitFor('team:changed', (p) => p.teamId === team.id)).toEqual({
      teamId: team.id,
      status: 'active',
    });
  });

  it('cancelling tells the invitee (invitation:closed) and the members (team:changed)', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const doctorLive = await live(doctor!);
    const nurseTab1 = await live(nurse!);
    const nurseTab2 = await live(nurse!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    await Promise.all(
      [nurseTab1, nurseTab2].map((c) =>
        c.waitFor('invitation:received', (p) => p.id === invitation.id),
      ),
    );
    doctorLive.clear();
    expectStatus(
      await doctor!.agent.post(`/api/teams/${team.id}/invitations/${invitation.id}/cancel`),
      200,
    );
    for (const c of [nurseTab1, nurseTab2])
      expect(await c.waitFor('invitation:closed')).toEqual({ id: invitation.id });
    await doctorLive.waitFor('team:changed', (p) => p.teamId === team.id);
    // Not a member: the invitee hears nothing of later changes.
    await expectSilence([nurseTab1, nurseTab2], { during: () => patch(doctor!, team.id) });
  });
});

describe('leaving the room', () => {
  it('a removed member gets team:left on every socket, then nothing more from the team', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [kine] = await signUpPros(t, ['masseur_kinesitherapeute']);
    const creatorLive = await live(creator);
    const nurseTab1 = await live(nurse);
    const nurseTab2 = await live(nurse);
    const pharmacistLive = await live(pharmacist);

    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    for (const c of [nurseTab1, nurseTab2])
      expect(await c.waitFor('team:left')).toEqual({ teamId: team.id });
    for (const c of [creatorLive, pharmacistLive])
      await c.waitFor('team:changed', (p) => p.teamId === team.id && p.status === 'suspended');

    // Later changes reach the members only.
    pharmacistLive.clear();
    await expectSilence([nurseTab1, nurseTab2], {
      teamId: team.id,
      during: async () => {
        expectStatus(await patch(creator, team.id), 200);
        const { invitation } = await invite(creator, team.id, {
          invitee: { rpps: kine!.input.rpps },
        });
        expectStatus(await kine!.agent.post(`/api/invitations/${invitation.id}/accept`), 200);
        await pharmacistLive.waitFor(
          'team:changed',
          (p) => p.teamId === team.id && p.status === 'active',
        );
      },
    });
    const ack = await teamGet(nurseTab1, team.id);
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a member who leaves gets team:left, then nothing more from the team', async () => {
    const { team, creator, pharmacist } = await activeTeam(t);
    const pharmacistLive = await live(pharmacist);
    const creatorLive = await live(creator);
    expect((await pharmacist.agent.post(`/api/teams/${team.id}/leave`)).status).toBe(204);
    expect(await pharmacistLive.waitFor('team:left')).toEqual({ teamId: team.id });
    await creatorLive.waitFor(
      'team:changed',
      (p) => p.teamId === team.id && p.status === 'suspended',
    );
    creatorLive.clear();
    await expectSilence([pharmacistLive], {
      teamId: team.id,
      during: async () => {
        expectStatus(await patch(creator, team.id), 200);
        await creatorLive.waitFor('team:changed', (p) => p.teamId === team.id);
      },
    });
  });

  it('closure: team:changed to every member, then no more events from that team', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const clients = [await live(creator), await live(nurse), await live(pharmacist)];
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    for (const c of clients)
      await c.waitFor('team:changed', (p) => p.teamId === team.id && p.status === 'closed');
    await expectSilence(clients, {
      teamId: team.id,
      during: async () => {
        expectError(await patch(nurse, team.id), 409, 'team_closed');
        expectError(await nurse.agent.post(`/api/teams/${team.id}/leave`), 409, 'team_closed');
        expectStatus(await nurse.agent.get(`/api/teams/${team.id}`), 200);
      },
    });
    // A socket opened after closure does not join the closed team's room either.
    const late = await live(pharmacist);
    await expectSilence([late], {
      teamId: team.id,
      during: () => creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }),
    });
  });

  it('consent withdrawal: team:changed, then silence; a new socket hears the new consent', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const clients = [await live(creator), await live(nurse), await live(pharmacist)];
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    for (const c of clients)
      await c.waitFor('team:changed', (p) => p.teamId === team.id && p.status === 'suspended');
    await expectSilence(clients, {
      teamId: team.id,
      during: async () => {
        expectError(await patch(creator, team.id), 409, 'read_only');
        expectStatus(await pharmacist.agent.get(`/api/teams/${team.id}`), 200);
      },
    });
    // The team is not closed: a socket opened now joins its room and hears the new consent.
    const fresh = await live(pharmacist);
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent`, buildConsent()), 200);
    await fresh.waitFor('team:changed', (p) => p.teamId === team.id && p.status === 'active');
  });
});

describe('read-only teams, live', () => {
  it('closure tells pending invitees their invitation is over (invitation:closed)', async () => {
    const { team, creator } = await activeTeam(t);
    const kine = await signUpPro(t, { profession: 'masseur_kinesitherapeute' });
    const kineLive = await live(kine);
    const { invitation } = await invite(creator, team.id, { invitee: { rpps: kine.input.rpps } });
    await kineLive.waitFor('invitation:received', (p) => p.id === invitation.id);
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    expect(await kineLive.waitFor('invitation:closed')).toEqual({ id: invitation.id });
  });

  it('a socket opened while consent is withdrawn (team not closed) hears the closure', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    // docs/api-teams.md: a socket joins the rooms of its NON-CLOSED teams at connection.
    const nurseLive = await live(nurse);
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/close`, {
        reason: 'retrait_consentement',
      }),
      200,
    );
    await nurseLive.waitFor('team:changed', (p) => p.teamId === team.id && p.status === 'closed');
  });
});

describe('strangers', () => {
  it('a signed-in professional outside the team receives nothing about it', async () => {
    const stranger = await signUpPro(t, { profession: 'medecin' });
    const strangerLive = await live(stranger);
    await expectSilence([strangerLive], {
      during: async () => {
        const { team, creator, nurse } = await activeTeam(t);
        expectStatus(await patch(nurse, team.id), 200);
        expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
        expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent`, buildConsent()), 200);
        expectStatus(
          await creator.agent.post(`/api/teams/${team.id}/close`, {
            reason: 'autre',
            comment: 'Test',
          }),
          200,
        );
      },
    });
  });
});

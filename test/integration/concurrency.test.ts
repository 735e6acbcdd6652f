import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxInvitationView } from '../../shared/src/views.js';
import { uniqueRpps } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { ErrorBody } from '../helpers/http.js';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';
import {
  activeTeam,
  buildConsent,
  createTeam,
  expectError,
  expectStatus,
  getTeam,
  invite,
  signUpPro,
  signUpPros,
  tokenOf,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await startMailbox();
  t = await startTestApp({ env: { SMTP_URL: mailbox.url } });
});
afterAll(async () => {
  await t.close();
  await mailbox.close();
});

const codes = (results: Array<{ status: number; body: unknown }>) =>
  results.map((r) => `${r.status} ${(r.body as ErrorBody | undefined)?.error?.code ?? ''}`.trim());

const inbox = async (pro: Pro) =>
  expectStatus(await pro.agent.get<{ invitations: InboxInvitationView[] }>('/api/invitations'), 200)
    .invitations;

describe('concurrent requests', () => {
  it('lets exactly one of many concurrent claims of a link through', async () => {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const address = `x.${uniqueRpps()}@exemple.fr`;
    const { link } = await invite(doctor, team.id, { invitee: { email: address } });
    const token = tokenOf(link);
    const claimers = await signUpPros(t, Array(6).fill('infirmier') as 'infirmier'[]);
    // Each got the code sent to the invited address (docs/identity.md, "Invitations").
    const codes_: string[] = [];
    for (const c of claimers) {
      const before = mailbox.mails.length;
      expectStatus(await c.agent.post('/api/invitations/code', { token }), 202);
      const mail = await mailbox.next(address, /votre code/, before);
      codes_.push(/^\s+(\d{6})$/m.exec(mail.text)![1]!);
    }
    const results = await Promise.all(
      claimers.map((c, i) => c.agent.post('/api/invitations/claim', { token, code: codes_[i] })),
    );
    expect(codes(results).sort()).toEqual(['200', ...Array<string>(5).fill('409 invitation_used')]);
    const after = await getTeam(doctor, team.id);
    expect(after.members).toHaveLength(2);
    const winner = claimers[results.findIndex((r) => r.status === 200)]!;
    expect(after.members.map((m) => m.professional.id).sort()).toEqual(
      [doctor.id, winner.id].sort(),
    );
    expect(
      await t.db
        .collection('memberships')
        .countDocuments({ teamId: new Types.ObjectId(team.id), leftAt: null }),
    ).toBe(2);
  });

  it('lets exactly one of many concurrent invitations of one professional through', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const before = await t.db.collection('invitations').countDocuments();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        doctor!.agent.post(`/api/teams/${team.id}/invitations`, {
          invitee: { rpps: nurse!.input.rpps },
        }),
      ),
    );
    expect(codes(results).sort()).toEqual(['201', ...Array<string>(4).fill('409 already_invited')]);
    expect(await t.db.collection('invitations').countDocuments()).toBe(before + 1);
    expect(await inbox(nurse!)).toHaveLength(1);
  });

  it('records one activation when the last two members accept at the same time', async () => {
    const [doctor, nurse, pharmacist] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
    const { team } = await createTeam(doctor!);
    const a = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const b = await invite(doctor!, team.id, { invitee: { rpps: pharmacist!.input.rpps } });
    const results = await Promise.all([
      nurse!.agent.post(`/api/invitations/${a.invitation.id}/accept`),
      pharmacist!.agent.post(`/api/invitations/${b.invitation.id}/accept`),
    ]);
    expect(codes(results)).toEqual(['200', '200']);
    const after = await getTeam(doctor!, team.id);
    expect(after).toMatchObject({ status: 'active', termNumber: 1 });
    expect(after.history.map((h) => h.status)).toEqual(['pending', 'active']);
  });

  it('an invitation accepted and cancelled at the same time ends one way only', async () => {
    const [doctor, nurse] = await signUpPros(t, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!);
    const { invitation } = await invite(doctor!, team.id, { invitee: { rpps: nurse!.input.rpps } });
    const [accepted, cancelled] = await Promise.all([
      nurse!.agent.post(`/api/invitations/${invitation.id}/accept`),
      doctor!.agent.post(`/api/teams/${team.id}/invitations/${invitation.id}/cancel`),
    ]);
    expect([accepted.status, cancelled.status].filter((s) => s === 200)).toHaveLength(1);
    const after = await getTeam(doctor!, team.id);
    const joined = after.members.some((m) => m.professional.id === nurse!.id);
    expect(joined).toBe(accepted.status === 200);
    expect(after.invitations).toEqual([]);
  });
});

describe('invitations of a read-only team', () => {
  it('cannot be accepted while consent is withdrawn, and can again after a new consent', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const kine = await signUpPro(t, { profession: 'masseur_kinesitherapeute' });
    const { invitation } = await invite(creator, team.id, { invitee: { rpps: kine.input.rpps } });
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expectError(
      await kine.agent.post(`/api/invitations/${invitation.id}/accept`),
      409,
      'read_only',
    );
    expectError(await kine.agent.get(`/api/teams/${team.id}`), 404, 'not_found');
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent`, buildConsent()), 200);
    expectStatus(await kine.agent.post(`/api/invitations/${invitation.id}/accept`), 200);
    expect((await getTeam(kine, team.id)).members).toHaveLength(4);
  });

  it('closing a team ends its pending invitations, by RPPS and by link', async () => {
    const { team, creator } = await activeTeam(t);
    const kine = await signUpPro(t, { profession: 'masseur_kinesitherapeute' });
    const byRpps = await invite(creator, team.id, { invitee: { rpps: kine.input.rpps } });
    const email = `l.${uniqueRpps()}@exemple.fr`;
    const byLink = await invite(creator, team.id, { invitee: { email } });
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);

    expect(await inbox(kine)).toEqual([]);
    const accept = await kine.agent.post<ErrorBody>(
      `/api/invitations/${byRpps.invitation.id}/accept`,
    );
    expect(accept.status).toBe(409);
    expect(['team_closed', 'invitation_used']).toContain(accept.body.error.code);
    const late = await signUpPro(t, { email });
    const claim = await late.agent.post<ErrorBody>('/api/invitations/claim', {
      token: tokenOf(byLink.link),
    });
    expect(claim.status).toBe(409);
    expect(['team_closed', 'invitation_used']).toContain(claim.body.error.code);
    const after = await getTeam(creator, team.id);
    expect(after.members).toHaveLength(3);
    expect(after.invitations.filter((i) => i.status === 'pending')).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { linkIn, startMailbox, type Mailbox } from '../helpers/mailbox.js';
import {
  createTeam,
  expectError,
  expectStatus,
  invite,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

const CODE = /votre code pour rejoindre/;

async function verify(t: TestApp, mailbox: Mailbox, pro: Pro): Promise<void> {
  const mail = await mailbox.next(pro.input.email, /confirmez votre adresse/);
  const { token } = linkIn(mail, '/email/confirmation/');
  expect((await pro.agent.post('/api/auth/email/verify', { token })).status).toBe(204);
}

function codeIn(text: string): string {
  const m = /^\s+(\d{6})$/m.exec(text);
  if (!m) throw new Error(`no code in ${text}`);
  return m[1]!;
}

describe('e-mail invitations are bound to their address', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await startTestApp({ env: { SMTP_URL: mailbox.url } });
  });
  afterAll(async () => {
    await t.close();
    await mailbox.close();
  });

  /** A team, and an e-mail invitation to `address`: its link as mailed to that address. */
  async function invited(address: string) {
    const doctor = await signUpPro(t, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const created = await invite(doctor, team.id, { invitee: { email: address } });
    const mail = await mailbox.next(address, /invitation à rejoindre/);
    expect(mail.text).not.toContain(team.patient.identity.birthName);
    const { token } = linkIn(mail, '/invitation/');
    expect(created.link).toContain(token);
    return { doctor, team, token };
  }

  it('a forwarded link grants nothing: a signed-in outsider with a verified address is refused', async () => {
    const address = `invitee.${Date.now()}@exemple.fr`;
    const { team, token } = await invited(address);
    const outsider = await signUpPro(t);
    await verify(t, mailbox, outsider);
    expectError(
      await outsider.agent.post('/api/invitations/claim', { token }),
      403,
      'invitation_code_required',
    );
    expectError(await outsider.agent.get(`/api/teams/${team.id}`), 404, 'not_found');

    // The code goes to the invited address, never to the outsider's.
    const before = mailbox.mails.length;
    expectStatus(await outsider.agent.post('/api/invitations/code', { token }), 202);
    const codeMail = await mailbox.next(address, CODE, before);
    expect(mailbox.mails.slice(before).some((m) => m.to.includes(outsider.input.email))).toBe(
      false,
    );
    const right = codeIn(codeMail.text);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      expectError(
        await outsider.agent.post('/api/invitations/claim', { token, code: wrong }),
        403,
        'invitation_code_invalid',
      );
    }
    // Five wrong guesses use the code up: even the right one no longer works.
    expectError(
      await outsider.agent.post('/api/invitations/claim', { token, code: right }),
      403,
      'invitation_code_invalid',
    );
    expectError(await outsider.agent.get(`/api/teams/${team.id}`), 404, 'not_found');
  });

  it('the addressee joins once their address is verified', async () => {
    const address = `invitee.${Date.now()}.b@exemple.fr`;
    const { team, token } = await invited(address);
    const invitee = await signUpPro(t, { email: address });
    // Signed up with the address but not verified yet: the account proves nothing.
    expectError(
      await invitee.agent.post('/api/invitations/claim', { token }),
      403,
      'invitation_code_required',
    );
    await verify(t, mailbox, invitee);
    expect(
      expectStatus(await invitee.agent.post('/api/invitations/claim', { token }), 200),
    ).toEqual({ teamId: team.id });
  });

  it('an account with another address joins with the code sent to the invited one', async () => {
    const address = `invitee.${Date.now()}.c@exemple.fr`;
    const { team, token } = await invited(address);
    const other = await signUpPro(t);
    const before = mailbox.mails.length;
    expectStatus(await other.agent.post('/api/invitations/code', { token }), 202);
    const code = codeIn((await mailbox.next(address, CODE, before)).text);
    expect(
      expectStatus(await other.agent.post('/api/invitations/claim', { token, code }), 200),
    ).toEqual({ teamId: team.id });
    expectStatus(await other.agent.get(`/api/teams/${team.id}`), 200);
    // Single use: the link is spent.
    const third = await signUpPro(t);
    expectError(await third.agent.post('/api/invitations/code', { token }), 409, 'invitation_used');
  });

  it('stores codes only as keyed hashes', async () => {
    const address = `invitee.${Date.now()}.d@exemple.fr`;
    const { token } = await invited(address);
    const other = await signUpPro(t);
    const before = mailbox.mails.length;
    expectStatus(await other.agent.post('/api/invitations/code', { token }), 202);
    const code = codeIn((await mailbox.next(address, CODE, before)).text);
    const rows = await t.db.collection('invitationcodes').find({}).toArray();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(code);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/src/schemas/auth.js';
import { buildSignUp } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeClock } from '../helpers/clock.js';
import { Agent } from '../helpers/http.js';
import { linkIn, startMailbox, type Mailbox } from '../helpers/mailbox.js';
import { expectError, expectStatus, signUpPro, type Pro } from '../teamFactories.js';

const RESET = /nouveau mot de passe/;
const VERIFY = /confirmez votre adresse/;

async function signedIn(agent: Agent): Promise<boolean> {
  return (await agent.get<SessionInfo>('/api/session')).body.professional !== null;
}

async function signInWith(t: TestApp, identifier: string, password: string) {
  const agent = await new Agent(t.baseUrl).init();
  return { agent, res: await agent.post('/api/auth/signin', { identifier, password }) };
}

describe('accounts: verification, reset, sign-out everywhere', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  const clock = new FakeClock(new Date());
  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await startTestApp({ env: { SMTP_URL: mailbox.url }, clock: clock.now });
  });
  afterAll(async () => {
    await t.close();
    await mailbox.close();
  });

  describe('password policy', () => {
    it.each(['aaaaaaaaaaaa', 'password1234', '            ', 'azerty123456'])(
      'refuses %j at sign-up with a French reason on the field',
      async (password) => {
        const agent = await new Agent(t.baseUrl).init();
        const res = await agent.post('/api/auth/signup', buildSignUp({ password }));
        expect(res.status).toBe(400);
        const body = res.body as { error: { code: string; field: string; message: string } };
        expect(body.error.field).toBe('password');
        expect(['weak_password', 'validation_failed']).toContain(body.error.code);
        expect(body.error.message).toMatch(/mot de passe|caractères/i);
      },
    );

    it("refuses a password made of the account's own name", async () => {
      const agent = await new Agent(t.baseUrl).init();
      const res = await agent.post(
        '/api/auth/signup',
        buildSignUp({ firstName: 'Hortense', lastName: 'Vasseur', password: 'hortensevasseur' }),
      );
      expectError(res, 400, 'weak_password');
    });
  });

  describe('e-mail verification', () => {
    it('sign-up sends a link; opening it verifies the address, once', async () => {
      const pro = await signUpPro(t);
      expect(pro.professional.emailVerified).toBe(false);
      const mail = await mailbox.next(pro.input.email, VERIFY);
      expect(mail.text).toContain(`${pro.input.firstName} ${pro.input.lastName}`);
      expect(mail.text).not.toContain(pro.input.rpps);
      const { token, url } = linkIn(mail, '/email/confirmation/');
      expect(url.startsWith(t.baseUrl)).toBe(true);

      expect((await pro.agent.post('/api/auth/email/verify', { token })).status).toBe(204);
      const me = await pro.agent.get<SessionInfo>('/api/session');
      expect(me.body.professional?.emailVerified).toBe(true);
      expectError(await pro.agent.post('/api/auth/email/verify', { token }), 410, 'token_invalid');
    });

    it('a resent link replaces the earlier one; a link expires after 24 hours', async () => {
      const pro = await signUpPro(t);
      const first = linkIn(await mailbox.next(pro.input.email, VERIFY), '/email/confirmation/');
      const count = mailbox.mails.length;
      expectStatus(await pro.agent.post('/api/auth/email/resend', {}), 202);
      const second = linkIn(
        await mailbox.next(pro.input.email, VERIFY, count),
        '/email/confirmation/',
      );
      expect(second.token).not.toBe(first.token);
      expectError(
        await pro.agent.post('/api/auth/email/verify', { token: first.token }),
        410,
        'token_invalid',
      );
      clock.advance(24 * 3600_000 + 1000);
      try {
        // A day later the session has ended too: the page fetches a fresh CSRF cookie first.
        await pro.agent.init();
        expectError(
          await pro.agent.post('/api/auth/email/verify', { token: second.token }),
          410,
          'token_invalid',
        );
      } finally {
        clock.set(new Date());
      }
    });
  });

  describe('password reset', () => {
    async function requestReset(email: string, agent?: Agent) {
      const a = agent ?? (await new Agent(t.baseUrl).init());
      const res = await a.post('/api/auth/password/forgot', { email });
      return res;
    }

    it('answers the same whether the address exists or not', async () => {
      const pro = await signUpPro(t);
      const known = await requestReset(pro.input.email);
      const unknown = await requestReset(`personne.${Date.now()}@exemple.fr`);
      expect({ status: known.status, body: known.body }).toEqual({
        status: unknown.status,
        body: unknown.body,
      });
      expect(known.status).toBe(202);
      await mailbox.next(pro.input.email, RESET);
    });

    it('sets a new password with a single-use link and ends every session', async () => {
      const pro = await signUpPro(t);
      const other = await signInWith(t, pro.input.email, pro.input.password);
      expect(other.res.status).toBe(200);
      const socket = pro.agent.socket();
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', resolve);
        socket.on('connect_error', reject);
      });
      const ended = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));

      await requestReset(pro.input.email);
      const { token, url } = linkIn(
        await mailbox.next(pro.input.email, RESET),
        '/mot-de-passe/nouveau/',
      );
      expect(url.startsWith(t.baseUrl)).toBe(true);
      expect(
        (await pro.agent.get<{ usable: boolean }>(`/api/auth/password/reset/${token}`)).body,
      ).toEqual({ usable: true });

      // A weak password is refused and leaves the link usable.
      const anonymous = await new Agent(t.baseUrl).init();
      expectError(
        await anonymous.post('/api/auth/password/reset', { token, password: 'password1234' }),
        400,
        'weak_password',
      );
      const password = 'une toute nouvelle phrase secrète';
      expect((await anonymous.post('/api/auth/password/reset', { token, password })).status).toBe(
        204,
      );

      await ended;
      expect(await signedIn(pro.agent)).toBe(false);
      expect(await signedIn(other.agent)).toBe(false);
      expectError(
        await anonymous.post('/api/auth/password/reset', {
          token,
          password: 'encore une autre phrase',
        }),
        410,
        'token_invalid',
      );
      expect((await signInWith(t, pro.input.email, pro.input.password)).res.status).toBe(401);
      const again = await signInWith(t, pro.input.email, password);
      expect(again.res.status).toBe(200);
      // The link came through the address: it counts as verified.
      expect(
        (await again.agent.get<SessionInfo>('/api/session')).body.professional?.emailVerified,
      ).toBe(true);
    });

    it('a link is good for 30 minutes, and a new request replaces it', async () => {
      const pro = await signUpPro(t);
      await requestReset(pro.input.email);
      const first = linkIn(await mailbox.next(pro.input.email, RESET), '/mot-de-passe/nouveau/');
      clock.advance(31 * 60_000);
      try {
        const anonymous = await new Agent(t.baseUrl).init();
        expectError(
          await anonymous.post('/api/auth/password/reset', {
            token: first.token,
            password: 'une phrase assez longue et rare',
          }),
          410,
          'token_invalid',
        );
        const count = mailbox.mails.length;
        await requestReset(pro.input.email);
        const second = linkIn(
          await mailbox.next(pro.input.email, RESET, count),
          '/mot-de-passe/nouveau/',
        );
        expect(second.token).not.toBe(first.token);
      } finally {
        clock.set(new Date());
      }
    });

    it('stores only hashes of the tokens', async () => {
      const pro = await signUpPro(t);
      await requestReset(pro.input.email);
      const { token } = linkIn(
        await mailbox.next(pro.input.email, RESET),
        '/mot-de-passe/nouveau/',
      );
      const rows = await t.db.collection('passwordresets').find({}).toArray();
      expect(JSON.stringify(rows)).not.toContain(token);
      const verifications = await t.db.collection('emailverifications').find({}).toArray();
      for (const mail of mailbox.mails.filter((m) => VERIFY.test(m.subject))) {
        expect(JSON.stringify(verifications)).not.toContain(
          linkIn(mail, '/email/confirmation/').token,
        );
      }
    });
  });

  it('signs out everywhere: every session and socket of the account ends', async () => {
    const pro: Pro = await signUpPro(t);
    const other = await signInWith(t, pro.input.rpps, pro.input.password);
    const socket = other.agent.socket();
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    const ended = new Promise<void>((resolve) => socket.on('session:ended', () => resolve()));
    expect((await pro.agent.post('/api/auth/signout-everywhere', {})).status).toBe(204);
    await ended;
    expect(await signedIn(pro.agent)).toBe(false);
    expect(await signedIn(other.agent)).toBe(false);
    socket.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/src/schemas/auth.js';
import { uniqueRpps } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeClock } from '../helpers/clock.js';
import { Agent } from '../helpers/http.js';
import { pscIdentity, startOidcProvider, type TestOidcProvider } from '../helpers/oidc.js';
import { expectError, expectStatus, signUpPro } from '../teamFactories.js';

const location = (res: { headers: Headers }) => res.headers.get('location') ?? '';

describe('Pro Santé Connect sign-in', () => {
  let idp: TestOidcProvider;
  let t: TestApp;
  const clock = new FakeClock(new Date());

  beforeAll(async () => {
    idp = await startOidcProvider();
    t = await startTestApp({
      clock: clock.now,
      env: {
        PSC_ISSUER: idp.issuer,
        PSC_CLIENT_ID: idp.clientId,
        PSC_CLIENT_SECRET: idp.clientSecret,
      },
    });
    idp.register(`${t.baseUrl}/api/auth/psc/callback`);
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  async function begin(agent?: Agent) {
    const browser = agent ?? (await new Agent(t.baseUrl).init());
    const start = await browser.request('GET', '/api/auth/psc/start', undefined, {
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    const url = new URL(location(start));
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    return { browser, authorizationUrl: url.href };
  }

  async function callback(browser: Agent, callbackUrl: string) {
    return browser.request('GET', callbackUrl, undefined, { redirect: 'manual' });
  }

  async function fullSignIn(login: string) {
    const { browser, authorizationUrl } = await begin();
    const back = await idp.authorize(authorizationUrl, login);
    expect(back.startsWith(`${t.baseUrl}/api/auth/psc/callback?`)).toBe(true);
    const res = await callback(browser, back);
    return { browser, res, back };
  }

  const me = async (agent: Agent) =>
    (await agent.get<SessionInfo>('/api/session')).body.professional;

  it('is announced as on; without settings it is off', async () => {
    const anonymous = await new Agent(t.baseUrl).init();
    expect((await anonymous.get('/api/auth/psc/config')).body).toEqual({ enabled: true });
    const off = await startTestApp();
    try {
      const agent = await new Agent(off.baseUrl).init();
      expect((await agent.get('/api/auth/psc/config')).body).toEqual({ enabled: false });
      expect((await agent.get('/api/auth/psc/start')).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('first sign-in creates the account from the token (RPPS, profession), with the address given', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '10', { first: 'Zoé', last: 'LEFÈVRE' }));
    const { browser, res } = await fullSignIn(login);
    expect(res.status).toBe(302);
    expect(location(res)).toBe('/connexion/pro-sante-connect');
    expect(await me(browser)).toBeNull();
    const pending = expectStatus(
      await browser.get<{ pending: { stage: string; firstName: string } }>('/api/auth/psc/pending'),
      200,
    );
    expect(pending.pending).toMatchObject({
      stage: 'email',
      firstName: 'Zoé',
      lastName: 'LEFÈVRE',
    });
    const created = expectStatus(
      await browser.post<{ professional: SessionInfo['professional'] }>('/api/auth/psc/create', {
        email: `zoe.${rpps}@exemple.fr`,
      }),
      201,
    );
    expect(created.professional).toMatchObject({
      rpps,
      profession: 'medecin',
      firstName: 'Zoé',
      lastName: 'LEFÈVRE',
      rppsCheck: 'psc',
      emailVerified: false,
    });
    expect((await me(browser))?.rpps).toBe(rpps);

    // Next time: signed in at once.
    const again = await fullSignIn(login);
    expect(location(again.res)).toBe('/');
    expect((await me(again.browser))?.rpps).toBe(rpps);
  });

  it('an existing account with the same RPPS links only after its password', async () => {
    const existing = await signUpPro(t, {
      profession: 'infirmier',
      firstName: 'Ève',
      lastName: 'Roux',
    });
    const login = `sub-${existing.input.rpps}`;
    idp.accounts.set(login, pscIdentity(existing.input.rpps, '60', { first: 'Ève', last: 'ROUX' }));
    const { browser, res } = await fullSignIn(login);
    expect(location(res)).toBe('/connexion/pro-sante-connect');
    expect(await me(browser)).toBeNull();
    expect(
      expectStatus(await browser.get<{ pending: { stage: string } }>('/api/auth/psc/pending'), 200)
        .pending.stage,
    ).toBe('link');
    expectError(
      await browser.post('/api/auth/psc/link', { password: 'pas le bon mot de passe' }),
      401,
      'invalid_credentials',
    );
    // Creating another account instead is refused: the RPPS has one.
    expectError(
      await browser.post('/api/auth/psc/create', {
        email: `autre.${existing.input.rpps}@exemple.fr`,
      }),
      400,
      'psc_failed',
    );
    const linked = expectStatus(
      await browser.post<{ professional: { id: string; rppsCheck: string } }>(
        '/api/auth/psc/link',
        { password: existing.input.password },
      ),
      200,
    );
    expect(linked.professional).toMatchObject({ id: existing.id, rppsCheck: 'psc' });
    const again = await fullSignIn(login);
    expect(location(again.res)).toBe('/');
    expect((await me(again.browser))?.id).toBe(existing.id);
  });

  it('a wrong state is refused, and signs nobody in', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '60'));
    const { browser, authorizationUrl } = await begin();
    const back = new URL(await idp.authorize(authorizationUrl, login));
    back.searchParams.set('state', 'not-the-state-we-sent');
    const res = await callback(browser, back.href);
    expect(location(res)).toBe('/connexion?psc=echec');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('escap_sid='))).toBe(false);
    expect(await me(browser)).toBeNull();
    // The sign-in under way was used up: the right state no longer helps.
    back.searchParams.set('state', new URL(authorizationUrl).searchParams.get('state')!);
    expect(location(await callback(browser, back.href))).toBe('/connexion?psc=echec');
  });

  it('a replayed code is refused, in the same browser and in a new sign-in', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '60'));
    const first = await fullSignIn(login);
    expect(location(first.res)).toBe('/connexion/pro-sante-connect');
    // The same callback again, same browser: the sign-in was used up.
    expect(location(await callback(first.browser, first.back))).toBe('/connexion?psc=echec');
    // The code in a new sign-in's callback (its own state): the provider refuses it.
    const second = await begin();
    const code = new URL(first.back).searchParams.get('code')!;
    const replay = new URL(`${t.baseUrl}/api/auth/psc/callback`);
    replay.searchParams.set('code', code);
    replay.searchParams.set('state', new URL(second.authorizationUrl).searchParams.get('state')!);
    replay.searchParams.set('iss', idp.issuer);
    const res = await callback(second.browser, replay.href);
    expect(location(res)).toBe('/connexion?psc=echec');
    expect(await me(second.browser)).toBeNull();
  });

  it('a callback in another browser than the one that started is refused', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '60'));
    const { authorizationUrl } = await begin();
    const back = await idp.authorize(authorizationUrl, login);
    const victim = await new Agent(t.baseUrl).init();
    expect(location(await callback(victim, back))).toBe('/connexion?psc=echec');
    expect(await me(victim)).toBeNull();
  });

  it('an expired ID token is refused', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '60'));
    const { browser, authorizationUrl } = await begin();
    const back = await idp.authorize(authorizationUrl, login);
    // The provider's ID tokens live 60 s; five minutes later (still within the sign-in's own
    // ten) the token has expired.
    clock.advance(5 * 60_000);
    try {
      expect(location(await callback(browser, back))).toBe('/connexion?psc=echec');
      expect(await me(browser)).toBeNull();
    } finally {
      clock.set(new Date());
    }
  });

  it('a profession outside ESCAP is refused with its own reason', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '69'));
    const { res } = await fullSignIn(login);
    expect(location(res)).toBe('/connexion?psc=profession');
  });

  it('names with invisible characters from the provider are refused too', async () => {
    const rpps = uniqueRpps();
    const login = `sub-${rpps}`;
    idp.accounts.set(login, pscIdentity(rpps, '60', { first: 'Zo\u202Eé', last: 'ROUX' }));
    const { res } = await fullSignIn(login);
    expect(location(res)).toBe('/connexion?psc=echec');
  });

  it('a provider that cannot be reached sends back to the sign-in page', async () => {
    const down = await startTestApp({
      env: { PSC_ISSUER: 'http://127.0.0.1:9', PSC_CLIENT_ID: 'x' },
    });
    try {
      const agent = await new Agent(down.baseUrl).init();
      const res = await agent.request('GET', '/api/auth/psc/start', undefined, {
        redirect: 'manual',
      });
      expect(location(res)).toBe('/connexion?psc=indisponible');
    } finally {
      await down.close();
    }
  });
});

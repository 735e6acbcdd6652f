import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignUp, signUpAs, uniqueRpps } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent, type ErrorBody } from '../helpers/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const countProfessionals = () => t.db.collection('professionals').countDocuments();
const countCredentials = () => t.db.collection('credentials').countDocuments();

describe('sign-up', () => {
  it('creates the account, signs it in and never returns a secret', async () => {
    const agent = await new Agent(t.baseUrl).init();
    const input = buildSignUp({
      profession: 'medecin',
      rpps: '123 456 789 01',
      email: 'dr.spaces@exemple.fr',
    });
    const res = await agent.post<{ professional: Record<string, unknown> }>(
      '/api/auth/signup',
      input,
    );
    expect(res.status).toBe(201);
    expect(res.body.professional).toMatchObject({
      rpps: '12345678901',
      profession: 'medecin',
      email: input.email,
      demo: false,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
    const session = await agent.get<{ professional: { id: string } | null }>('/api/session');
    expect(session.body.professional?.id).toBe(res.body.professional.id);

    const sid = res.headers.getSetCookie().find((c) => c.startsWith('escap_sid='));
    expect(sid).toMatch(/HttpOnly/i);
    expect(sid).toMatch(/SameSite=Strict/i);

    // The hash lives in its own collection, as argon2id.
    const credential = await t.db.collection('credentials').findOne({
      _id: new (await import('mongoose')).Types.ObjectId(String(res.body.professional.id)),
    });
    expect(String(credential?.passwordHash)).toMatch(/^\$argon2id\$/);
    const stored = await t.db.collection('professionals').findOne({ rpps: '12345678901' });
    expect(Object.keys(stored ?? {})).not.toContain('passwordHash');
  });

  it('answers 409 rpps_taken / email_taken for duplicates', async () => {
    const agent = new Agent(t.baseUrl);
    const { input } = await signUpAs(agent);
    const other = await new Agent(t.baseUrl).init();
    const dupRpps = await other.post<ErrorBody>(
      '/api/auth/signup',
      buildSignUp({ rpps: input.rpps }),
    );
    expect(dupRpps.status).toBe(409);
    expect(dupRpps.body.error).toMatchObject({ code: 'rpps_taken', field: 'rpps' });
    const dupEmail = await other.post<ErrorBody>(
      '/api/auth/signup',
      buildSignUp({ email: input.email.toUpperCase() }),
    );
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.error).toMatchObject({ code: 'email_taken', field: 'email' });
  });

  it('lets exactly one of many concurrent sign-ups with the same RPPS through', async () => {
    const rpps = uniqueRpps();
    const before = [await countProfessionals(), await countCredentials()];
    const agents = await Promise.all(Array.from({ length: 8 }, () => new Agent(t.baseUrl).init()));
    const results = await Promise.all(
      agents.map((a, i) =>
        a.post<ErrorBody>(
          '/api/auth/signup',
          buildSignUp({ rpps, email: `conc${i}.${rpps}@exemple.fr` }),
        ),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'rpps_taken'),
    ).toBe(true);
    expect([await countProfessionals(), await countCredentials()]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
  });

  it('lets exactly one of many concurrent sign-ups with the same e-mail through', async () => {
    const email = `same.${uniqueRpps()}@exemple.fr`;
    const agents = await Promise.all(Array.from({ length: 6 }, () => new Agent(t.baseUrl).init()));
    const results = await Promise.all(
      agents.map((a) => a.post('/api/auth/signup', buildSignUp({ email }))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    expect(await t.db.collection('professionals').countDocuments({ email })).toBe(1);
  });
});

describe('bad input: a stable code, never a 500, never a partial write', () => {
  const cases: Array<[string, (a: Agent) => ReturnType<Agent['post']>, number, string, string?]> = [
    [
      'malformed JSON',
      (a) => a.post('/api/auth/signup', undefined, { raw: '{"rpps": ' }),
      400,
      'invalid_json',
    ],
    [
      'oversized body',
      (a) => a.post('/api/auth/signup', { ...buildSignUp(), firstName: 'x'.repeat(200_000) }),
      413,
      'payload_too_large',
    ],
    [
      'unknown field',
      (a) => a.post('/api/auth/signup', { ...buildSignUp(), admin: true }),
      400,
      'validation_failed',
    ],
    [
      'wrong type',
      (a) => a.post('/api/auth/signup', { ...buildSignUp(), rpps: 12345678901 }),
      400,
      'validation_failed',
      'rpps',
    ],
    [
      'invalid RPPS',
      (a) => a.post('/api/auth/signup', buildSignUp({ rpps: '1234' })),
      400,
      'validation_failed',
      'rpps',
    ],
    [
      'unknown profession',
      (a) => a.post('/api/auth/signup', { ...buildSignUp(), profession: 'astrologue' }),
      400,
      'validation_failed',
      'profession',
    ],
    [
      'short password',
      (a) => a.post('/api/auth/signup', buildSignUp({ password: 'court' })),
      400,
      'validation_failed',
      'password',
    ],
    [
      'bad e-mail',
      (a) => a.post('/api/auth/signup', buildSignUp({ email: 'pas-un-email' })),
      400,
      'validation_failed',
      'email',
    ],
    ['JSON array', (a) => a.post('/api/auth/signup', [1, 2]), 400, 'validation_failed'],
    [
      'not JSON',
      (a) =>
        a.post('/api/auth/signup', undefined, {
          raw: 'rpps=1',
          headers: { 'content-type': 'text/plain' },
        }),
      415,
      'unsupported_media_type',
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, code, field) => {
    const agent = await new Agent(t.baseUrl).init();
    const before = await countProfessionals();
    const res = (await send(agent)) as { status: number; body: ErrorBody };
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/[a-zé]/);
    if (field) expect(res.body.error.field).toBe(field);
    expect(await countProfessionals()).toBe(before);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await new Agent(t.baseUrl).get<ErrorBody>('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('sign-in and sign-out', () => {
  it('signs in by e-mail or RPPS, and signs out', async () => {
    const { input } = await signUpAs(new Agent(t.baseUrl));
    for (const identifier of [input.email, ` ${input.rpps} `]) {
      const agent = await new Agent(t.baseUrl).init();
      const res = await agent.post<{ professional: { rpps: string } }>('/api/auth/signin', {
        identifier,
        password: input.password,
      });
      expect(res.status).toBe(200);
      expect(res.body.professional.rpps).toBe(input.rpps);
      const oldCookie = agent.cookieHeader();
      const out = await agent.post('/api/auth/signout');
      expect(out.status).toBe(204);
      expect(
        (await agent.get<{ professional: null }>('/api/session')).body.professional,
      ).toBeNull();
      // The old cookie is dead on the server, not only forgotten by the browser.
      const replay = await fetch(`${t.baseUrl}/api/session`, { headers: { cookie: oldCookie } });
      expect(((await replay.json()) as { professional: unknown }).professional).toBeNull();
    }
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const { input } = await signUpAs(new Agent(t.baseUrl));
    const agent = await new Agent(t.baseUrl).init();
    const wrong = await agent.post<ErrorBody>('/api/auth/signin', {
      identifier: input.email,
      password: 'mauvais mot de passe',
    });
    const unknown = await agent.post<ErrorBody>('/api/auth/signin', {
      identifier: 'personne@exemple.fr',
      password: 'x',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });
});

describe('CSRF', () => {
  it('refuses state-changing requests without the token, with a wrong one, or with a stale one', async () => {
    const agent = await new Agent(t.baseUrl).init();
    const noHeader = await agent.post<ErrorBody>('/api/auth/signup', buildSignUp(), {
      csrf: false,
    });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe('csrf_invalid');
    const forged = await agent.post<ErrorBody>('/api/auth/signup', buildSignUp(), {
      csrf: false,
      headers: { 'x-csrf-token': 'forged.value' },
    });
    expect(forged.status).toBe(403);

    // A token issued before sign-in is not valid for the new session.
    const anonymousToken = agent.cookies.get('escap_csrf')!;
    await agent.post('/api/auth/signup', buildSignUp());
    agent.cookies.set('escap_csrf', anonymousToken);
    const stale = await agent.post<ErrorBody>('/api/auth/signout');
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('csrf_invalid');
    // /api/session re-issues a valid one and the client can go on.
    await agent.get('/api/session');
    expect((await agent.post('/api/auth/signout')).status).toBe(204);
  });
});

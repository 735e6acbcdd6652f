import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignUp } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import { createTeam, expectError, expectStatus, signUpPro } from '../teamFactories.js';

const readCsv = (text: string): string[][] => parse(text, { delimiter: ';' });

describe('text at the boundary (the issue, end to end)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a first name =HYPERLINK("http://evil") comes out of the audit CSV as text', async () => {
    const doctor = await signUpPro(t, {
      profession: 'medecin',
      firstName: '=HYPERLINK("http://evil")',
      lastName: 'Roux',
    });
    const { team } = await createTeam(doctor);
    const res = await doctor.agent.get<string>(`/api/teams/${team.id}/audit/export`);
    expect(res.status).toBe(200);
    const rows = readCsv(String(res.body).replace(/^\uFEFF/, ''));
    const names = rows.slice(1).map((r) => r[1]!);
    expect(names).toContain(`'=HYPERLINK("http://evil") Roux`);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it.each([
    ['right-to-left override', 'Anne\u202Eelbat'],
    ['zero-width space', 'An\u200Bne'],
    ['NUL', 'Anne\u0000'],
  ])('refuses a name with a %s at sign-up', async (_what, firstName) => {
    const agent = await new Agent(t.baseUrl).init();
    const res = await agent.post('/api/auth/signup', buildSignUp({ firstName }));
    expectError(res, 400, 'validation_failed');
    expect((res.body as { error: { field: string } }).error.field).toBe('firstName');
  });

  it('refuses a lone surrogate in any field of any body, at its path', async () => {
    const agent = await new Agent(t.baseUrl).init();
    // JSON can carry a lone surrogate as an escape; JSON.stringify would write it the same way.
    const raw = JSON.stringify(buildSignUp()).replace('"Camille"', '"Cam\\ud800ille"');
    const res = await agent.request('POST', '/api/auth/signup', undefined, { raw });
    expectError(res, 400, 'validation_failed');
    expect((res.body as { error: { field: string } }).error.field).toBe('firstName');

    const doctor = await signUpPro(t, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const task = await doctor.agent.request('POST', `/api/teams/${team.id}/tasks`, undefined, {
      raw: JSON.stringify({
        title: 'Pansement',
        assigneeId: doctor.id,
        due: '2030-01-01',
      }).replace('Pansement', 'Pans\\udc00ement'),
    });
    expectError(task, 400, 'validation_failed');
    expect((task.body as { error: { field: string } }).error.field).toBe('title');
    // Stored names are NFC.
    const nfd = await signUpPro(t, { firstName: 'Ame\u0301lie' });
    expect(nfd.professional.firstName).toBe('Amélie');
    expect(
      expectStatus(
        await nfd.agent.get<{ professional: { firstName: string } }>('/api/session'),
        200,
      ).professional.firstName,
    ).toBe('Amélie');
  });
});

import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { ErrorBody } from '../helpers/http.js';
import { appRoutes, documentCounts, urlFor } from '../helpers/routes.js';
import { activeTeam, type Pro } from '../teamFactories.js';

/**
 * Hostile JSON at every write route, read from the routers: prototype-pollution keys
 * (`__proto__`, `constructor.prototype`), MongoDB operator keys (`$where`, `$gt`, `$set`) at the
 * top and nested, sent by a current member of an active team (so that access lets the request
 * reach its schema). Each answer is a client error with a stable code, never a server error;
 * no object of the server gains a property; nothing is written.
 */
const HOSTILE_BODIES: string[] = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"$where":"sleep(1000)","text":{"$gt":""}}',
  '{"text":"x","clientId":{"$ne":null},"contact":{"$set":{"phone":"0"}}}',
  '{"patient":{"__proto__":{"polluted":"yes"}},"invitee":{"email":{"$regex":".*"}}}',
];

/**
 * Writes that read no body: an action on the caller's own session, account or membership,
 * done whatever is sent (some end the session or the membership this test needs). Their own
 * tests cover them. Any other route that succeeds with these bodies fails the test.
 */
const BODYLESS = new Set([
  'POST /api/auth/signout',
  'POST /api/auth/signout-everywhere',
  'POST /api/auth/email/resend',
  'POST /api/notifications/read-all',
  'DELETE /api/patient/session',
  'POST /api/teams/:teamId/leave',
]);

describe('hostile bodies at every write route', () => {
  let t: TestApp;
  let member: Pro;
  let teamId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const made = await activeTeam(t);
    member = made.creator;
    teamId = made.team.id;
  });
  afterAll(() => t.close());

  it('answers each with a 4xx and a code, pollutes nothing and writes nothing', async () => {
    const writes = appRoutes(t.app).filter(
      (r) => r.method !== 'GET' && !BODYLESS.has(`${r.method} ${r.path}`),
    );
    expect(writes.length).toBeGreaterThan(40);
    const before = await documentCounts(t.db);
    const made = String(new Types.ObjectId());
    const answers: unknown[] = [];
    for (const route of writes) {
      const url = urlFor(route.path, teamId, made);
      for (const raw of HOSTILE_BODIES) {
        const res = await member.agent.request(route.method, url, undefined, { raw });
        const code = (res.body as ErrorBody | undefined)?.error?.code;
        answers.push({
          route: `${route.method} ${route.path}`,
          clientError: res.status >= 400 && res.status < 500,
          coded: typeof code === 'string' && code.length > 0,
        });
      }
    }
    // Still signed in: the answers above were the routes', not a lost session's 401.
    expect(
      (await member.agent.get<{ professional?: { id: string } }>('/api/session')).body.professional
        ?.id,
    ).toBe(member.id);
    const succeeded = answers.filter((a) => !(a as { clientError: boolean }).clientError);
    expect(succeeded).toEqual([]);
    expect(answers.filter((a) => !(a as { coded: boolean }).coded)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await documentCounts(t.db)).toEqual(before);
  });
});

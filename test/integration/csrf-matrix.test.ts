import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { appRoutes, documentCounts, urlFor } from '../helpers/routes.js';
import { activeTeam, type Pro } from '../teamFactories.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF on every write route (README, "Security decisions"): a signed-in member's browser sending a write
 * without the token, or with a forged one, is refused (403 `csrf_invalid`) before anything
 * runs, and nothing is written anywhere.
 */
describe('CSRF: every write route, from the router', () => {
  let t: TestApp;
  let pro: Pro;
  let teamId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const made = await activeTeam(t);
    pro = made.creator;
    teamId = made.team.id;
  });
  afterAll(() => t.close());

  it('refuses each write without its token or with a forged one, and writes nothing', async () => {
    const writes = appRoutes(t.app).filter((r) => WRITES.has(r.method));
    // The walk sees the app's routes (a sanity floor, and a few known ones).
    expect(writes.length).toBeGreaterThan(40);
    for (const known of [
      'POST /api/teams',
      'POST /api/teams/:teamId/messages',
      'POST /api/auth/signin',
    ])
      expect(writes.map((r) => `${r.method} ${r.path}`)).toContain(known);

    const before = await documentCounts(t.db);
    const other = String(new Types.ObjectId());
    for (const route of writes) {
      // Ids: the member's own team (the most a forged request could reach), others made up.
      const url = urlFor(route.path, teamId, other);
      const tries: Record<string, string>[] = [{}, { 'x-csrf-token': 'forged.value' }];
      for (const headers of tries) {
        const res = await pro.agent.request<{ error?: { code: string } }>(
          route.method,
          url,
          {},
          {
            csrf: false,
            headers,
          },
        );
        expect({
          route: `${route.method} ${route.path}`,
          status: res.status,
          code: res.body.error?.code,
        }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 403,
          code: 'csrf_invalid',
        });
      }
    }
    expect(await documentCounts(t.db)).toEqual(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger.js';
import { DEMO_PASSWORD, DEMO_PROFESSIONALS, seedDemo } from '../../server/src/demo/seed.js';
import { loadDirectoryAtStart } from '../../server/src/directory/startup.js';
import { buildSignUp } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const signIn = async (email: string) => {
  const agent = await new Agent(t.baseUrl).init();
  const res = await agent.post('/api/auth/signin', { identifier: email, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  return agent;
};

describe('demo data (npm start with the embedded database)', () => {
  it('seeds demo professionals and one active team, once', async () => {
    const logger = createLogger('silent', false);
    await seedDemo(t.db, t.app.services, logger);
    await seedDemo(t.db, t.app.services, logger); // a restart seeds nothing twice

    expect(await t.db.collection('professionals').countDocuments({ demo: true })).toBe(
      DEMO_PROFESSIONALS.length,
    );
    expect(await t.db.collection('teams').countDocuments()).toBe(1);

    const claire = await signIn(DEMO_PROFESSIONALS[0]!.email);
    const session = await claire.get<{ professional: { demo: boolean } }>('/api/session');
    expect(session.body.professional.demo).toBe(true);
    const list = await claire.get<{ teams: Array<{ status: string; memberCount: number }> }>(
      '/api/teams',
    );
    expect(list.body.teams).toMatchObject([{ status: 'active', memberCount: 3 }]);

    const karim = await signIn(DEMO_PROFESSIONALS[3]!.email);
    const inbox = await karim.get<{ invitations: unknown[] }>('/api/invitations');
    expect(inbox.body.invitations).toHaveLength(1);

    // The demo gestionnaire reads the participation report, where Claire's ESCAP counts.
    const manager = await signIn('gestionnaire@demo.escap.fr');
    const me = await manager.get<{ professional: { roles: string[] } }>('/api/session');
    expect(me.body.professional.roles).toEqual(['gestionnaire']);
    const report = await manager.get<{
      rows: Array<{ professional: { rpps: string }; counted: number }>;
    }>('/api/ledger/report');
    expect(report.status).toBe(200);
    expect(report.body.rows.find((r) => r.professional.rpps === '10000000001')?.counted).toBe(1);
  });
});

describe('the fictitious directory of npm start', () => {
  it('is loaded before the demo accounts, which it confirms; a real sign-up must match it', async () => {
    const app = await startTestApp();
    try {
      const logger = createLogger('silent', false);
      const { directoryModels } = app.app.services;
      await loadDirectoryAtStart(directoryModels, { synthetic: true, file: undefined }, logger);
      const status = await app.app.services.directory.status();
      expect(status).toMatchObject({ loaded: true, synthetic: true });
      await seedDemo(app.db, app.app.services, logger);
      const rows = await app.db.collection('professionals').find({ demo: true }).toArray();
      expect(rows.map((r) => r.rppsCheck as string)).toEqual(
        DEMO_PROFESSIONALS.map(() => 'directory'),
      );
      // The demo team has Claire Martin as médecin traitant: the directory lists her as one.
      expect(await app.db.collection('teams').countDocuments()).toBe(1);
      // A second start: the fictitious extract is re-imported (an update), nothing seeded twice.
      await loadDirectoryAtStart(directoryModels, { synthetic: true, file: undefined }, logger);
      await seedDemo(app.db, app.app.services, logger);
      expect(await app.db.collection('teams').countDocuments()).toBe(1);
      const agent = await new Agent(app.baseUrl).init();
      const refused = await agent.post('/api/auth/signup', buildSignUp({ rpps: '12345678901' }));
      expect(refused.status).toBe(422);
    } finally {
      await app.close();
    }
  });
});

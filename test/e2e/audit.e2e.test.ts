import { describe, expect, it } from 'vitest';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn, signIn } from '../helpers/e2e.js';
import { activeTeam, expectStatus } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/audit';
const LIVE = { timeout: 15_000 };
const screenshot = screenshotsIn(SCREENSHOTS);

describe('the audit journal in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('one visit of a page is one read; the journal names things, filters and pages at 375 px', async () => {
    const { team, creator, nurse } = await activeTeam(suite.app);
    expectStatus(
      await nurse.agent.post(`/api/teams/${team.id}/tasks`, {
        title: 'Pansement jambe gauche',
        assigneeId: nurse.id,
        due: '2030-01-01',
      }),
      201,
    );
    // More rows than a page holds.
    for (let i = 0; i < 55; i++) expectStatus(await nurse.agent.get(`/api/teams/${team.id}`), 200);

    const page = await suite.browser.newPage(suite.app.baseUrl);
    const teamReads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/teams/${team.id}`)
        teamReads.push(request.url());
    });
    await signIn(page, creator);
    // A cold start: the page opens while the realtime connection is being made.
    await page.goto(`/escap/${team.id}`);
    await page.getByRole('status').filter({ hasText: 'En ligne' }).waitFor(LIVE);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The team was read once (not before the connection and again at it).
    expect(teamReads).toHaveLength(1);

    await page.goto(`/escap/${team.id}/journal`);
    const list = page.locator('.audit-list > li');
    await list.first().waitFor(LIVE);
    expect(await list.count()).toBe(50);
    expect(await page.locator('.audit-list').innerText()).not.toMatch(/[a-f\d]{24}/);
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'journal');

    await page.getByRole('button', { name: 'Afficher les entrées plus anciennes' }).click();
    await expect.poll(() => list.count(), LIVE).toBeGreaterThan(50);
    await page.getByText('Tâche « Pansement jambe gauche »').waitFor();

    await page.getByLabel('Type').selectOption({ label: 'Modifications' });
    await expect
      .poll(() => page.locator('.audit-list').innerText(), LIVE)
      .not.toContain('Consultation du dossier');
    await page.getByText('Création d’une tâche').waitFor();
    await page.getByLabel('Professionnel').selectOption({ value: nurse.id });
    await expect
      .poll(() => page.locator('.audit-list').innerText(), LIVE)
      .not.toContain('Création de l’ESCAP');
    await page.getByText('Création d’une tâche').waitFor();
    expect(await page.getByRole('link', { name: 'Exporter (CSV)' }).getAttribute('href')).toBe(
      `/api/teams/${team.id}/audit/export?actor=${nurse.id}&kind=write`,
    );
  });
});

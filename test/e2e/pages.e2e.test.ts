import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, screenshotsIn, signIn } from '../helpers/e2e.js';
import { activeTeam, createTeam, expectStatus } from '../teamFactories.js';

/**
 * Every page at a phone's size and a laptop's (issue 15, items 6 and 7): no sideways scroll,
 * no axe-core violation, a screenshot of each kept in test-results/pages.
 */
const SCREENSHOTS = 'test-results/pages';
const LIVE = { timeout: 15_000 };
const screenshot = screenshotsIn(SCREENSHOTS);
const SIZES = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'laptop', width: 1280, height: 800 },
] as const;

async function sideways(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

describe('every page, at 375×812 and 1280×800', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('has no sideways scroll and no axe-core violation; the next step is in view on the team page', async () => {
    const { team, creator, nurse } = await activeTeam(suite.app);
    expectStatus(
      await nurse.agent.post(`/api/teams/${team.id}/tasks`, {
        title: 'Pansement jambe gauche',
        assigneeId: creator.id,
        due: '2030-01-01',
      }),
      201,
    );
    // Enough messages for the chat to scroll.
    for (let i = 0; i < 25; i++)
      expectStatus(
        await nurse.agent.post(`/api/teams/${team.id}/messages`, {
          clientId: `walkthrough-${i}`,
          text: `Passage ${i} ce matin, voir https://www.has-sante.fr pour le protocole.`,
        }),
        201,
      );
    expectStatus(await creator.agent.get('/api/ledger/statement.pdf'), 200);
    const code = (await creator.agent.get('/api/ledger/statement.pdf')).headers.get(
      'x-statement-code',
    )!;

    const pages: { name: string; path: string; ready: (page: Page) => Promise<unknown> }[] = [
      {
        name: 'home',
        path: '/',
        // Each card: the patient, open tasks and the next step.
        ready: async (p) => {
          await p.getByRole('heading', { name: 'Mes ESCAP' }).waitFor(LIVE);
          await p.getByText('1 à faire').waitFor(LIVE);
          await p.getByText('Il manque 2 professionnels (au moins 3 membres).').waitFor(LIVE);
        },
      },
      {
        name: 'create',
        path: '/escap/nouvelle',
        ready: (p) => p.getByRole('heading', { name: 'Inclusion', exact: true }).waitFor(LIVE),
      },
      {
        name: 'team',
        path: `/escap/${team.id}`,
        ready: (p) => p.getByRole('heading', { name: 'Membres (3)' }).waitFor(LIVE),
      },
      {
        name: 'notes',
        path: `/escap/${team.id}/notes`,
        ready: (p) => p.getByRole('textbox').first().waitFor(LIVE),
      },
      {
        name: 'chat',
        path: `/escap/${team.id}/discussion`,
        ready: (p) => p.getByText('Passage 24 ce matin').waitFor(LIVE),
      },
      {
        name: 'tasks',
        path: `/escap/${team.id}/taches`,
        ready: (p) => p.getByRole('checkbox', { name: 'Pansement jambe gauche' }).waitFor(LIVE),
      },
      {
        name: 'documents',
        path: `/escap/${team.id}/documents`,
        ready: (p) => p.getByRole('heading', { name: 'Documents', level: 1 }).waitFor(LIVE),
      },
      {
        name: 'journal',
        path: `/escap/${team.id}/journal`,
        ready: (p) => p.locator('.audit-list > li').first().waitFor(LIVE),
      },
      {
        name: 'notifications',
        path: '/notifications',
        ready: (p) => p.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor(LIVE),
      },
      {
        name: 'ledger',
        path: '/participation',
        ready: (p) => p.getByText('ESCAP', { exact: false }).first().waitFor(LIVE),
      },
    ];
    const signedOut: typeof pages = [
      {
        name: 'sign-in',
        path: '/connexion',
        ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(LIVE),
      },
      {
        name: 'sign-up',
        path: '/inscription',
        ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(LIVE),
      },
      {
        name: 'forgot-password',
        path: '/mot-de-passe/oublie',
        ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(LIVE),
      },
      {
        name: 'verification',
        path: `/verification/${code}`,
        ready: (p) => p.getByText('Attestation authentique').waitFor(LIVE),
      },
      {
        // The patient's own page, without a patient session: the code form (its read-only
        // view is checked at 375 px in patient-access.e2e.test.ts).
        name: 'patient',
        path: '/patient',
        ready: (p) => p.getByLabel('Code d’accès').waitFor(LIVE),
      },
    ];

    // A team just created: two members missing, the next step is to invite them.
    const { team: pending } = await createTeam(creator);
    pages.push({
      name: 'team-pending',
      path: `/escap/${pending.id}`,
      ready: (p) => p.getByRole('heading', { name: 'Prochaine étape' }).waitFor(LIVE),
    });

    const found: Record<string, unknown> = {};
    for (const size of SIZES) {
      const page = await suite.browser.newPage(suite.app.baseUrl);
      await page.setViewportSize({ width: size.width, height: size.height });
      await signIn(page, creator);
      const anonymous = await suite.browser.newPage(suite.app.baseUrl);
      await anonymous.setViewportSize({ width: size.width, height: size.height });
      for (const [p, list] of [
        [page, pages],
        [anonymous, signedOut],
      ] as const) {
        for (const target of list) {
          await p.goto(target.path);
          await target.ready(p);
          await p.getByRole('heading', { level: 1 }).first().waitFor(LIVE);
          const key = `${target.name}@${size.name}`;
          const over = await sideways(p);
          const violations = await axeViolations(p);
          if (over > 0 || violations.length > 0) found[key] = { over, violations };
          // The header is one line: its parts side by side, centred on one line.
          const parts = await p.locator('.app-header > *').evaluateAll((els) =>
            els.map((e) => {
              const r = e.getBoundingClientRect();
              return { middle: Math.round(r.top + r.height / 2), height: Math.round(r.height) };
            }),
          );
          const middles = parts.map((x) => x.middle);
          if (
            Math.max(...parts.map((x) => x.height)) > 48 ||
            Math.max(...middles) - Math.min(...middles) > 4
          )
            found[`${key} header`] = parts;
          if (target.name === 'team-pending') {
            // What to do next is in view without scrolling, with its button.
            const next = p.getByRole('link', { name: 'Inviter un professionnel' });
            const box = await next.boundingBox();
            if (!box || box.y + box.height > size.height) found[`${key} next step`] = box;
            await next.click();
            await expect
              .poll(() => p.evaluate(() => document.activeElement?.id))
              .toBe('invite-title');
          }
          await screenshot(p, `${target.name}-${size.width}`);
        }
      }
      await page.close();
      await anonymous.close();
    }
    expect(found).toEqual({});
  });
});

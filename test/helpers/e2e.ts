import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTeam, inviteAndAccept, signUpPro, type Pro } from '../teamFactories.js';
import { startTestApp, type TestApp, type TestAppOptions } from './app.js';
import { launchBrowser, type TestBrowser } from './browser.js';

/**
 * What every browser test file needs: the app serving the built client and Chromium, started
 * once for the file (and the screenshot folder), closed after it. Read `app` and `browser`
 * inside tests: they exist once `beforeAll` has run.
 */
export function browserSuite(
  screenshots?: string,
  /** More settings of the app (a mailbox's SMTP_URL…), made before it starts. */
  options?: () => TestAppOptions | Promise<TestAppOptions>,
): {
  readonly app: TestApp;
  readonly browser: TestBrowser;
} {
  let app: TestApp | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    const extra = (await options?.()) ?? {};
    [app, browser] = await Promise.all([
      startTestApp({ ...extra, withClient: true }),
      launchBrowser(),
    ]);
    if (screenshots) await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('browserSuite: the app starts in beforeAll');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('browserSuite: the browser starts in beforeAll');
      return browser;
    },
  };
}

/** Signs a page's context in through the API (CSRF cookie first), as the sign-in form does. */
export async function signIn(page: Page, pro: Pro): Promise<void> {
  await page.request.get('/api/session');
  const csrf = (await page.context().cookies()).find((c) => c.name === 'escap_csrf');
  const res = await page.request.post('/api/auth/signin', {
    data: { identifier: pro.input.email, password: pro.input.password },
    headers: { 'X-CSRF-Token': decodeURIComponent(csrf?.value ?? '') },
  });
  expect(res.status()).toBe(200);
}

/** Phone widths must not scroll sideways. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Full-page screenshots into one folder (test-results/, kept by CI). */
export function screenshotsIn(dir: string): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  };
}

export interface DoctorAndNurse {
  doctor: Pro;
  nurse: Pro;
  team: { id: string };
  doctorPage: Page;
  nursePage: Page;
  /** Uncaught page errors of both pages (a test ends by expecting none). */
  errors: string[];
}

/**
 * A médecin who created a team and an infirmier(e) who accepted their invitation, each signed
 * in on a page of their own (two browser contexts: two people).
 */
export async function doctorAndNurse(
  suite: { readonly app: TestApp; readonly browser: TestBrowser },
  names: { doctor: [string, string]; nurse: [string, string] },
): Promise<DoctorAndNurse> {
  const [doctor, nurse] = await Promise.all([
    signUpPro(suite.app, {
      profession: 'medecin',
      firstName: names.doctor[0],
      lastName: names.doctor[1],
    }),
    signUpPro(suite.app, {
      profession: 'infirmier',
      firstName: names.nurse[0],
      lastName: names.nurse[1],
    }),
  ]);
  const { team } = await createTeam(doctor);
  await inviteAndAccept(doctor, team.id, nurse);
  const [doctorPage, nursePage] = await Promise.all([
    suite.browser.newPage(suite.app.baseUrl),
    suite.browser.newPage(suite.app.baseUrl),
  ]);
  const errors: string[] = [];
  for (const page of [doctorPage, nursePage]) page.on('pageerror', (e) => errors.push(e.message));
  await Promise.all([signIn(doctorPage, doctor), signIn(nursePage, nurse)]);
  return { doctor, nurse, team, doctorPage, nursePage, errors };
}

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, expectNoHorizontalScroll } from '../helpers/e2e.js';

/**
 * The installable app and its service worker (issue 15, items 1 and 2; docs/notifications.md,
 * "Push, client"), in Chromium against the built client (`npm run build` first).
 */
const LIVE = { timeout: 15_000 };

/** Resolves once a service worker controls the page (it claims the page at activation). */
async function controlled(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const container = navigator.serviceWorker;
    if (!container.controller)
      await new Promise((resolve) =>
        container.addEventListener('controllerchange', resolve, { once: true }),
      );
    const { active } = await container.ready;
    if (active && active.state !== 'activated')
      await new Promise((resolve) =>
        active.addEventListener('statechange', function seen() {
          if (active.state !== 'activated') return;
          active.removeEventListener('statechange', seen);
          resolve(undefined);
        }),
      );
    return active?.state ?? 'none';
  });
}

/** Every URL kept in the page's caches (Cache Storage). */
async function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys())
      for (const request of await (await caches.open(name)).keys())
        paths.push(new URL(request.url).pathname);
    return paths;
  });
}

/** Width and height from a PNG's IHDR. */
function pngSize(body: Buffer): string {
  expect(body.subarray(1, 4).toString('ascii')).toBe('PNG');
  return `${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`;
}

describe('the installable app', () => {
  const suite = browserSuite();

  it('serves a valid manifest and icons, the worker with the right headers', async () => {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    const response = await page.goto('/connexion');
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("manifest-src 'self'");
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(LIVE);

    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toBe('#ffffff');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/manifest+json');
    const manifest = (await res.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      lang: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({
      name: 'ESCAP',
      short_name: 'ESCAP',
      start_url: '/',
      display: 'standalone',
      lang: 'fr',
      theme_color: '#ffffff',
      background_color: '#f5f6f8',
    });
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    const appleIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    for (const icon of [...manifest.icons, { src: appleIcon!, sizes: '180x180' }]) {
      const image = await page.request.get(icon.src);
      expect(image.status(), icon.src).toBe(200);
      expect(image.headers()['content-type']).toBe('image/png');
      expect(pngSize(await image.body())).toBe(icon.sizes);
    }

    const worker = await page.request.get('/sw.js');
    expect(worker.status()).toBe(200);
    expect(worker.headers()['content-type']).toContain('javascript');
    expect(worker.headers()['cache-control']).toBe('no-cache');
    expect(worker.headers()['service-worker-allowed']).toBeUndefined();
  });

  it('registers its service worker and opens offline on the cached shell, never the API', async () => {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await page.goto('/connexion');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(LIVE);
    expect(await controlled(page)).toBe('activated');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(
      `${suite.app.baseUrl}/`,
    );

    const cached = await cachedPaths(page);
    expect(cached).toContain('/index.html');
    expect(cached).toContain('/manifest.webmanifest');
    expect(cached.some((p) => /^\/assets\/index-.*\.js$/.test(p))).toBe(true);
    expect(cached.some((p) => /^\/assets\/index-.*\.css$/.test(p))).toBe(true);
    expect(cached.filter((p) => /^\/(api|socket\.io)\//.test(p))).toEqual([]);

    // Online: the page comes through the worker, the API straight from the server.
    const session = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/session');
    const navigation = await page.reload();
    expect(navigation!.fromServiceWorker()).toBe(true);
    expect((await session).fromServiceWorker()).toBe(false);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(LIVE);

    // Offline: the shell from the cache, which says the server cannot be reached.
    await page.context().setOffline(true);
    const offline = await page.reload();
    expect(offline!.fromServiceWorker()).toBe(true);
    await page.getByRole('heading', { name: 'Service indisponible' }).waitFor(LIVE);
    await page.getByText('Impossible de joindre le serveur. Vérifiez votre connexion.').waitFor();
    await expectNoHorizontalScroll(page);
    expect(await axeViolations(page)).toEqual([]);
    // An API request fails rather than being answered from a cache.
    expect(
      await page.evaluate(() =>
        fetch('/api/session').then(
          (r) => `answered ${r.status}`,
          () => 'failed',
        ),
      ),
    ).toBe('failed');
    expect((await cachedPaths(page)).filter((p) => /^\/(api|socket\.io)\//.test(p))).toEqual([]);

    await page.context().setOffline(false);
    await page.getByRole('button', { name: 'Réessayer' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(LIVE);
  });
});

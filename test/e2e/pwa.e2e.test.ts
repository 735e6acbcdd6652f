import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushPayload, type PushPayload } from '../../shared/src/push.js';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, expectNoHorizontalScroll, signIn } from '../helpers/e2e.js';
import { browserKeys, startPushService } from '../helpers/pushService.js';
import { activeTeam, expectStatus } from '../teamFactories.js';

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

/**
 * What a test can do of Web Push in headless Chromium: a Playwright context is incognito-like
 * and Chromium refuses `pushManager.subscribe` there ("Registration failed - permission
 * denied"); a persistent profile tries its own push service (FCM), out of reach here. So the
 * page's `PushManager` is replaced by a stand-in whose subscription points at a local push
 * service, with a key pair this test holds (test/helpers/pushService.ts): the server's real
 * encrypted push arrives there and is decrypted, then handed to the real service worker through
 * the DevTools protocol (`ServiceWorker.deliverPushMessage`).
 */
async function standInPushManager(
  context: BrowserContext,
  endpoint: string,
  keys: { p256dh: string; auth: string },
) {
  await context.addInitScript(
    ({ endpoint, keys }) => {
      const STORE = 'test:push-subscription';
      const stored = () => localStorage.getItem(STORE);
      const subscription = (key: ArrayBuffer) => ({
        endpoint,
        expirationTime: null,
        options: { applicationServerKey: key, userVisibleOnly: true },
        toJSON: () => ({ endpoint, expirationTime: null, keys }),
        getKey: () => null,
        unsubscribe: () => {
          localStorage.removeItem(STORE);
          return Promise.resolve(true);
        },
      });
      const keyOf = (value: string) => Uint8Array.from(atob(value), (c) => c.charCodeAt(0)).buffer;
      Object.defineProperties(PushManager.prototype, {
        getSubscription: {
          value: () => {
            const key = stored();
            return Promise.resolve(key === null ? null : subscription(keyOf(key)));
          },
        },
        subscribe: {
          value: (options: { applicationServerKey: Uint8Array }) => {
            const key = btoa(String.fromCharCode(...options.applicationServerKey));
            localStorage.setItem(STORE, key);
            return Promise.resolve(subscription(keyOf(key)));
          },
        },
      });
    },
    { endpoint, keys },
  );
}

describe('push notifications on this device', () => {
  let push: Awaited<ReturnType<typeof startPushService>>;
  beforeAll(async () => {
    push = await startPushService();
  });
  afterAll(async () => {
    await push.close();
  });
  const suite = browserSuite();

  it('are enabled on the notifications page, shown by the worker without health data, open their page, and go at sign-out', async () => {
    const { team, creator: doctor, nurse } = await activeTeam(suite.app);
    const page = await suite.browser.newPage(suite.app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const context = page.context();
    await context.grantPermissions(['notifications'], { origin: suite.app.baseUrl });
    const keys = browserKeys();
    const endpoint = `${push.url}/push/doctor`;
    await standInPushManager(context, endpoint, keys);
    const subscriptions = suite.app.db.collection('pushsubscriptions');
    await signIn(page, doctor);

    await page.goto('/notifications');
    const toggle = page.getByRole('region', { name: 'Notifications sur cet appareil' });
    await toggle.getByText('Désactivées sur cet appareil.').waitFor(LIVE);
    await controlled(page);
    await expectNoHorizontalScroll(page);
    expect(await axeViolations(page)).toEqual([]);
    await toggle.getByRole('button', { name: 'Activer' }).click();
    await toggle.getByText(/^Activées/).waitFor(LIVE);
    expect(await subscriptions.countDocuments({ endpoint })).toBe(1);

    // Off and on again: the server forgets it, then has it back.
    await toggle.getByRole('button', { name: 'Désactiver' }).click();
    await toggle.getByText('Désactivées sur cet appareil.').waitFor(LIVE);
    expect(await subscriptions.countDocuments({ endpoint })).toBe(0);
    await toggle.getByRole('button', { name: 'Activer' }).click();
    await toggle.getByText(/^Activées/).waitFor(LIVE);
    expect(await subscriptions.countDocuments({ endpoint })).toBe(1);

    // A task for the doctor: the server's push, encrypted for this "browser" (skipping any
    // push of the team's activation still on its way).
    const arrived = (async () => {
      for (;;) {
        const clear = keys.decrypt((await push.next('/push/doctor')).body);
        if ((JSON.parse(clear) as PushPayload).tag === 'task_assigned') return clear;
      }
    })();
    const title = 'Pansement jambe gauche';
    const { task } = expectStatus(
      await nurse.agent.post<{ task: { id: string } }>(`/api/teams/${team.id}/tasks`, {
        title,
        assigneeId: doctor.id,
        due: '2030-01-01',
      }),
      201,
    );
    const data = await arrived;
    const taskUrl = `/escap/${team.id}/taches?tache=${task.id}`;
    const expected = pushPayload({
      kind: 'task_assigned',
      teamId: team.id,
      data: { taskId: task.id },
    });
    expect(expected.url).toBe(taskUrl);
    expect(JSON.parse(data) as PushPayload).toEqual(expected);

    // Delivered to the real service worker as the browser's push service would.
    const cdp = await context.newCDPSession(page);
    const registration = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find(
          (r) => r.scopeURL === `${suite.app.baseUrl}/` && !r.isDeleted,
        );
        if (ours) resolve(ours.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: suite.app.baseUrl,
      registrationId: await registration,
      data,
    });
    await page.waitForFunction(
      async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0,
    );
    const shown = await page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        data: n.data as unknown,
        icon: n.icon,
      })),
    );
    expect(shown).toEqual([
      {
        title: 'ESCAP',
        body: 'Une tâche vous a été confiée dans une ESCAP.',
        tag: 'task_assigned',
        data: { url: taskUrl },
        icon: `${suite.app.baseUrl}/icons/icon-192.png`,
      },
    ]);
    const words = JSON.stringify(shown);
    expect(words).not.toContain(title);
    expect(words).not.toContain(team.patient.identity.birthName);
    expect(words).not.toContain(nurse.input.lastName);

    // Headless Chromium cannot click a system notification: the worker is sent the click event
    // its own notification would raise; it tells this window to open the task list.
    const [worker] = context.serviceWorkers();
    await worker!.evaluate(async () => {
      const scope = self as unknown as {
        registration: { getNotifications(): Promise<unknown[]> };
        dispatchEvent(e: Event): boolean;
      };
      const [notification] = await scope.registration.getNotifications();
      const NotificationEventClass = (
        globalThis as unknown as {
          NotificationEvent: new (type: string, init: { notification: unknown }) => Event;
        }
      ).NotificationEvent;
      scope.dispatchEvent(new NotificationEventClass('notificationclick', { notification }));
    });
    await page.waitForURL(`**${taskUrl}`, LIVE);
    await page.getByText(title).first().waitFor(LIVE);
    expect(
      await page.evaluate(
        async () => (await (await navigator.serviceWorker.ready).getNotifications()).length,
      ),
    ).toBe(0);

    // Sign-out: this browser's subscription leaves the server first.
    await page.getByRole('link', { name: 'ESCAP', exact: true }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(LIVE);
    expect(await subscriptions.countDocuments({ endpoint })).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('test:push-subscription'))).toBeNull();
    expect(errors).toEqual([]);
  });

  it('explains how to allow notifications the browser blocks', async () => {
    const { creator: doctor } = await activeTeam(suite.app);
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, doctor);
    await page.goto('/notifications');
    const toggle = page.getByRole('region', { name: 'Notifications sur cet appareil' });
    await toggle.getByText('Désactivées sur cet appareil.').waitFor(LIVE);
    // No permission granted: headless Chromium answers the prompt with a refusal.
    await toggle.getByRole('button', { name: 'Activer' }).click();
    await toggle
      .getByText('Les notifications sont bloquées pour ESCAP dans ce navigateur.')
      .waitFor(LIVE);
    await toggle.getByText(/choisissez « Notifications » puis « Autoriser »/).waitFor();
    await expectNoHorizontalScroll(page);
    expect(await axeViolations(page)).toEqual([]);
  });
});

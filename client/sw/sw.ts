// The service worker (docs/notifications.md, "Push, client"): the app shell offline, and the
// push notifications. Built on its own by client/vite-sw.ts into dist/sw.js, a classic script.
import { NAVIGATE_MESSAGE, pushTarget, readPushPayload } from '../../shared/src/push.js';

declare const self: ServiceWorkerGlobalScope;
/** Set at build time: the built files of the app shell, and a hash of their contents. */
declare const __ESCAP_PRECACHE__: string[];
declare const __ESCAP_VERSION__: string;

const PREFIX = 'escap-shell-';
const CACHE = `${PREFIX}${__ESCAP_VERSION__}`;
const SHELL = '/index.html';
const PRECACHE = new Set(__ESCAP_PRECACHE__);
/** Never from a cache, never into one: health data and live traffic. */
const NEVER = /^\/(api|socket\.io)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: the network's copy, not one the HTTP cache kept from an older build.
      await cache.addAll([...PRECACHE].map((path) => new Request(path, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // The server's page first (it may be newer), the cached shell when it cannot be reached.
    event.respondWith(
      fetch(request).catch(
        async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error(),
      ),
    );
    return;
  }
  if (PRECACHE.has(url.pathname)) {
    // Built files have hashed names: the cached copy is the right one.
    event.respondWith(
      (async () => (await caches.match(url.pathname, { cacheName: CACHE })) ?? fetch(request))(),
    );
  }
  // Anything else goes to the network as if there were no service worker.
});

self.addEventListener('push', (event) => {
  let json: unknown = null;
  try {
    json = event.data?.json();
  } catch {
    // Not JSON: the generic notification.
  }
  const payload = readPushPayload(json);
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body,
      tag: payload.tag,
      data: { url: payload.url },
      icon: '/icons/icon-192.png',
      lang: 'fr',
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  event.waitUntil(open(pushTarget(data?.url)));
});

/**
 * Shows the app at `path` (null: as it is): in an open window of the app, told to go there by
 * a message (the app changes page without reloading), else in a new window.
 */
async function open(path: string | null): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const client = windows.find((c) => c.focused) ?? windows[0];
  if (!client) {
    await self.clients.openWindow(path ?? '/');
    return;
  }
  if (path) client.postMessage({ type: NAVIGATE_MESSAGE, path });
  // Allowed within a notification click only.
  await client.focus().catch(() => undefined);
}

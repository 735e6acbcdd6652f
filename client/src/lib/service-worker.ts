import { NAVIGATE_MESSAGE, pushTarget } from '../../../shared/src/push.js';

/**
 * The service worker (client/sw/sw.ts: the offline app shell and push notifications), in
 * production builds only: `vite` dev serves no /sw.js, and a worker caching dev modules would
 * get in the way. Registered after the page has loaded, so it never competes with it.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // The app works without it (no offline shell, no pushes).
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/**
 * Calls `navigate` with the page a clicked notification opens (posted by the service worker
 * to an open window); same-origin paths only. Returns the unsubscriber.
 */
export function onNavigateMessage(navigate: (path: string) => void): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined;
  const container = navigator.serviceWorker;
  const onMessage = (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown; path?: unknown } | null;
    if (typeof data !== 'object' || data === null || data.type !== NAVIGATE_MESSAGE) return;
    const path = pushTarget(data.path);
    if (path) navigate(path);
  };
  container.addEventListener('message', onMessage);
  // Messages wait in a queue until this (or the end of the page's parsing).
  container.startMessages();
  return () => container.removeEventListener('message', onMessage);
}

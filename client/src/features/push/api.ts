import { z } from 'zod';
import { request } from '../../lib/api.js';

/*
 * Web Push on this device (docs/notifications.md, "Push, client"): the browser's subscription
 * is held by the service worker's registration; the server keeps a copy per professional
 * (`/api/push`), which it encrypts each notification for.
 */

export type PushState =
  /** No service worker, Push API or notifications here (or the development server). */
  | 'unsupported'
  /** The person (or the browser) refused notifications for this site. */
  | 'denied'
  | 'off'
  | 'on';

const keyAnswer = z.object({ publicKey: z.string().min(1) });

/** Whether this browser can receive pushes at all (no service worker in `vite` dev). */
export function pushSupported(): boolean {
  return (
    import.meta.env.PROD &&
    'serviceWorker' in navigator &&
    typeof PushManager !== 'undefined' &&
    typeof Notification !== 'undefined'
  );
}

async function registration(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.ready;
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const subscription = await (await registration()).pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

/** base64url (the VAPID public key as the server gives it) to bytes. */
export function base64UrlBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const bytes = new Uint8Array(a);
  return bytes.every((byte, i) => byte === b[i]);
}

/** What the server stores of a subscription (`POST /api/push/subscriptions`). */
function subscriptionBody(subscription: PushSubscription) {
  const { endpoint, keys } = subscription.toJSON();
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error('incomplete push subscription');
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

/**
 * Asks for the permission (the browser's prompt), subscribes this browser with the server's
 * VAPID key and gives the subscription to the server. Returns the state it ends in.
 */
export async function enablePush(): Promise<PushState> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return 'denied';
  if (permission !== 'granted') return 'off';
  const { publicKey } = await request('GET', '/api/push/key', { schema: keyAnswer });
  const key = base64UrlBytes(publicKey);
  const { pushManager } = await registration();
  let subscription = await pushManager.getSubscription();
  // Made with another key (the server's changed): the browser refuses a second one as is.
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  try {
    await request('POST', '/api/push/subscriptions', { body: subscriptionBody(subscription) });
  } catch (error) {
    // The server does not know it: it would never be used.
    await subscription.unsubscribe().catch(() => undefined);
    throw error;
  }
  return 'on';
}

/** Tells the server first (it stops sending), then drops the browser's subscription. */
export async function disablePush(): Promise<PushState> {
  const subscription = await (await registration()).pushManager.getSubscription();
  if (subscription) {
    await request('DELETE', '/api/push/subscriptions', {
      body: { endpoint: subscription.endpoint },
    });
    await subscription.unsubscribe();
  }
  return 'off';
}

/**
 * Before sign-out: the next person to use this browser must not get this one's pushes. Best
 * effort, and quick: no wait for a service worker that is not there.
 */
export async function forgetPushOnSignOut(): Promise<void> {
  if (!pushSupported()) return;
  try {
    const subscription = await (
      await navigator.serviceWorker.getRegistration()
    )?.pushManager.getSubscription();
    if (!subscription) return;
    await request('DELETE', '/api/push/subscriptions', {
      body: { endpoint: subscription.endpoint },
    }).catch(() => undefined);
    await subscription.unsubscribe();
  } catch {
    // Sign-out goes on: a push service's "gone" answer removes the server's copy later.
  }
}

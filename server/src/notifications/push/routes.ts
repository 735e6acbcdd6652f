import { Router } from 'express';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import { pushMuteSchema, pushPreferencesSchema } from '../../../../shared/src/push.js';
import { requireAuth } from '../../http/middleware.js';
import { parse } from '../../http/validate.js';
import { authorize } from '../../teams/policy.js';
import { teamOf } from '../../teams/context.js';
import { actorOf } from '../../teams/routes.js';
import type { PushSubscriptionDoc } from './model.js';
import type { PushSettingsStore } from './preferences.js';

/** Browsers one professional may have subscribed at once. */
export const MAX_SUBSCRIPTIONS = 10;

const key = z
  .string()
  .min(8)
  .max(200)
  .regex(/^[\w-]+=*$/, { error: 'Clé invalide.' });

/**
 * Where the server may post pushes. In production: https to a known push service only (the
 * setting `PUSH_SERVICE_HOSTS`), so a forged subscription cannot make the server call an
 * internal address. Elsewhere any http(s) address: tests and development run a local one.
 */
export function pushEndpointAllowed(
  endpoint: string,
  opts: { production: boolean; hosts: readonly string[] },
): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (!opts.production) return url.protocol === 'https:' || url.protocol === 'http:';
  if (url.protocol !== 'https:' || url.port !== '' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return opts.hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

function subscriptionBody(opts: { production: boolean; hosts: readonly string[] }) {
  const endpoint = z
    .string()
    .max(2000)
    .refine((e) => pushEndpointAllowed(e, opts), { error: 'Adresse invalide.' });
  return {
    subscribe: z.object({ endpoint, keys: z.object({ p256dh: key, auth: key }) }),
    unsubscribe: z.object({ endpoint: z.string().max(2000) }),
  };
}

/**
 * /api/push: the VAPID public key the browser subscribes with, and the signed-in
 * professional's own subscriptions (a browser's endpoint belongs to whoever subscribed last).
 */
export function pushRoutes(
  push: {
    PushSubscription: Model<PushSubscriptionDoc>;
    settings: PushSettingsStore;
    publicKey: string;
  },
  opts: { production: boolean; hosts: readonly string[]; now: () => Date },
): Router {
  const { PushSubscription, settings, publicKey } = push;
  const router = Router();
  const bodies = subscriptionBody(opts);
  router.use('/push', requireAuth);

  router.get('/push/key', (_req, res) => {
    res.json({ publicKey });
  });

  router.post('/push/subscriptions', async (req, res) => {
    const { endpoint, keys } = parse(bodies.subscribe, req.body);
    await PushSubscription.updateOne(
      { endpoint },
      {
        $set: {
          professionalId: new Types.ObjectId(actorOf(req).id),
          p256dh: keys.p256dh,
          auth: keys.auth,
          createdAt: opts.now(),
        },
      },
      { upsert: true },
    );
    // A professional's browsers, the newest first: beyond the limit the oldest are dropped
    // (each push is one request per browser; a stale phone is the likely one).
    const older = await PushSubscription.find({ professionalId: actorOf(req).id })
      .sort({ createdAt: -1, _id: -1 })
      .skip(MAX_SUBSCRIPTIONS)
      .select({ _id: 1 })
      .lean();
    if (older.length > 0)
      await PushSubscription.deleteMany({ _id: { $in: older.map((o) => o._id) } });
    res.status(204).end();
  });

  router.delete('/push/subscriptions', async (req, res) => {
    const { endpoint } = parse(bodies.unsubscribe, req.body);
    await PushSubscription.deleteOne({
      endpoint,
      professionalId: new Types.ObjectId(actorOf(req).id),
    });
    res.status(204).end();
  });

  // The professional's own settings: which events, quiet hours (docs/notifications.md).
  router.get('/push/preferences', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ preferences: await settings.get(actorOf(req).id) });
  });

  router.put('/push/preferences', async (req, res) => {
    const preferences = parse(pushPreferencesSchema, req.body);
    res.json({ preferences: await settings.set(actorOf(req).id, preferences) });
  });

  return router;
}

/**
 * /api/teams/:teamId/push-mute, in the team scope (a non-member has had the 404): whether
 * this team's pushes reach the caller's phones. Their own setting, about no one else.
 */
export function teamPushRoutes(settings: PushSettingsStore): Router {
  const router = Router({ mergeParams: true });

  router.get('/push-mute', async (req, res) => {
    const ctx = teamOf(req);
    authorize(ctx, 'push.mute');
    res.set('Cache-Control', 'no-store');
    res.json({ muted: await settings.isMuted(ctx.actor.id, ctx.team._id) });
  });

  router.put('/push-mute', async (req, res) => {
    const ctx = teamOf(req);
    authorize(ctx, 'push.mute');
    const { muted } = parse(pushMuteSchema, req.body);
    await settings.setMuted(ctx.actor.id, ctx.team._id, muted);
    res.json({ muted });
  });

  return router;
}

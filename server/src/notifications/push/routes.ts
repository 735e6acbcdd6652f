import { Router } from 'express';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import { requireAuth } from '../../http/middleware.js';
import { parse } from '../../http/validate.js';
import { actorOf } from '../../teams/routes.js';
import type { PushSubscriptionDoc } from './model.js';

const key = z
  .string()
  .min(8)
  .max(200)
  .regex(/^[\w-]+=*$/, { error: 'Clé invalide.' });

function subscriptionBody(allowHttp: boolean) {
  // The server posts to this address: a push service is always https; plain http only in
  // development and tests (a local push endpoint).
  const endpoint = z
    .url({ protocol: allowHttp ? /^https?$/ : /^https$/, error: 'Adresse invalide.' })
    .max(2000);
  return {
    subscribe: z.object({ endpoint, keys: z.object({ p256dh: key, auth: key }) }),
    unsubscribe: z.object({ endpoint }),
  };
}

/**
 * /api/push: the VAPID public key the browser subscribes with, and the signed-in
 * professional's own subscriptions (a browser's endpoint belongs to whoever subscribed last).
 */
export function pushRoutes(
  PushSubscription: Model<PushSubscriptionDoc>,
  publicKey: string,
  opts: { allowHttp: boolean; now: () => Date },
): Router {
  const router = Router();
  const bodies = subscriptionBody(opts.allowHttp);
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

  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { NOTIFICATION_PAGE } from '../../../shared/src/notifications.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import { actorOf } from '../teams/routes.js';
import type { Notifications } from './service.js';

const pageQuery = z.object({
  before: z.string().max(64, { error: 'Curseur invalide.' }).optional(),
  limit: z.coerce
    .number({ error: 'La limite doit être un nombre.' })
    .int({ error: 'La limite doit être un nombre entier.' })
    .min(1, { error: 'La limite doit être au moins 1.' })
    .max(NOTIFICATION_PAGE.maxLimit, {
      error: `La limite ne peut pas dépasser ${NOTIFICATION_PAGE.maxLimit}.`,
    })
    .default(NOTIFICATION_PAGE.defaultLimit),
});

/** /api/notifications: the signed-in professional's own notifications, nobody else's. */
export function notificationRoutes(notifications: Notifications): Router {
  const router = Router();
  router.use('/notifications', requireAuth);

  router.get('/notifications', async (req, res) => {
    const { before, limit } = parse(pageQuery, req.query);
    res.set('Cache-Control', 'no-store');
    res.json(await notifications.list(actorOf(req).id, { before, limit }));
  });

  router.get('/notifications/unread', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ unread: await notifications.unreadCount(actorOf(req).id) });
  });

  router.post('/notifications/read-all', async (req, res) => {
    res.json({ unread: await notifications.markAllRead(actorOf(req).id) });
  });

  router.post('/notifications/:id/read', async (req, res) => {
    res.json({ unread: await notifications.markRead(actorOf(req).id, req.params.id) });
  });

  return router;
}

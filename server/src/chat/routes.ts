import { Router } from 'express';
import {
  chatPageQuerySchema,
  chatPostSchema,
  chatReadBodySchema,
} from '../../../shared/src/chat.js';
import { AppError } from '../http/errors.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import { actorOf } from '../teams/routes.js';
import type { ChatService } from './service.js';

/**
 * /api/teams/:id/messages: history pages, read positions, and sending without a socket.
 * Membership is checked before the input, so a non-member learns nothing (404).
 */
export function chatRoutes(chat: ChatService): Router {
  const router = Router();
  const base = '/teams/:id/messages';

  router.get(base, requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const teamId = req.params.id as string;
    await chat.checkMember(actorOf(req), teamId);
    const query = parse(chatPageQuerySchema, req.query);
    res.json(await chat.page(actorOf(req), teamId, query));
  });

  router.post(base, requireAuth, async (req, res) => {
    const teamId = req.params.id as string;
    const parsed = chatPostSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      await chat.checkMember(actorOf(req), teamId);
      throw new AppError('invalid_message');
    }
    res.status(201).json({ message: await chat.send(actorOf(req), { ...parsed.data, teamId }) });
  });

  router.get(`${base}/reads`, requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ reads: await chat.reads(actorOf(req), req.params.id as string) });
  });

  router.get(`${base}/unread`, requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ unread: await chat.unread(actorOf(req), req.params.id as string) });
  });

  router.post(`${base}/read`, requireAuth, async (req, res) => {
    const teamId = req.params.id as string;
    await chat.checkMember(actorOf(req), teamId);
    const { messageId } = parse(chatReadBodySchema, req.body);
    res.json({ read: await chat.markRead(actorOf(req), teamId, messageId) });
  });

  return router;
}

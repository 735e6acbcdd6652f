import { Router } from 'express';
import {
  chatPageQuerySchema,
  chatPostSchema,
  chatReadBodySchema,
} from '../../../shared/src/chat.js';
import { AppError } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { ChatService } from './service.js';

/**
 * /api/teams/:teamId/messages: history pages, read positions, and sending without a socket.
 * Mounted in the team scope: membership is checked before the input, so a non-member learns
 * nothing (404).
 */
export function chatRoutes(chat: ChatService): Router {
  const router = Router({ mergeParams: true });
  const base = '/messages';

  router.get(base, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const query = parse(chatPageQuerySchema, req.query);
    res.json(await chat.page(teamOf(req), query));
  });

  router.post(base, async (req, res) => {
    const parsed = chatPostSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new AppError('invalid_message');
    res.status(201).json({ message: await chat.send(teamOf(req), parsed.data) });
  });

  router.get(`${base}/reads`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ reads: await chat.reads(teamOf(req)) });
  });

  router.get(`${base}/unread`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ unread: await chat.unread(teamOf(req)) });
  });

  router.post(`${base}/read`, async (req, res) => {
    const { messageId } = parse(chatReadBodySchema, req.body);
    res.json({ read: await chat.markRead(teamOf(req), messageId) });
  });

  return router;
}

import { Router } from 'express';
import { claimInvitationSchema, inviteSchema } from '../../../shared/src/schemas/teams.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import type { TeamService } from '../teams/service.js';
import { actorOf, baseUrlOf } from '../teams/routes.js';
import type { InvitationService } from './service.js';

export function invitationRoutes(
  invitations: InvitationService,
  teams: TeamService,
  publicUrl: string | undefined,
): Router {
  const router = Router();

  router.post('/teams/:id/invitations', requireAuth, async (req, res) => {
    const ctx = await teams.member(actorOf(req), String(req.params.id));
    const input = parse(inviteSchema, req.body);
    res.status(201).json(await invitations.invite(ctx, input, baseUrlOf(req, publicUrl)));
  });

  router.post('/teams/:id/invitations/:invitationId/cancel', requireAuth, async (req, res) => {
    const ctx = await teams.member(actorOf(req), String(req.params.id));
    await invitations.cancel(ctx, String(req.params.invitationId));
    res.json({ team: await teams.get(actorOf(req), String(req.params.id)) });
  });

  router.get('/invitations', requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ invitations: await invitations.inbox(actorOf(req)) });
  });

  /** Open to anyone holding the link: shows who invites, never patient data. */
  router.get('/invitations/link/:token', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(await invitations.linkInfo(String(req.params.token)));
  });

  router.post('/invitations/claim', requireAuth, async (req, res) => {
    const { token } = parse(claimInvitationSchema, req.body);
    res.json(await invitations.claim(actorOf(req), token));
  });

  router.post('/invitations/:id/accept', requireAuth, async (req, res) => {
    res.json(await invitations.accept(actorOf(req), String(req.params.id)));
  });

  router.post('/invitations/:id/decline', requireAuth, async (req, res) => {
    await invitations.decline(actorOf(req), String(req.params.id));
    res.status(204).end();
  });

  return router;
}

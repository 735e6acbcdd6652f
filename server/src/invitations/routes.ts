import { Router } from 'express';
import {
  claimInvitationSchema,
  invitationCodeSchema,
  inviteSchema,
} from '../../../shared/src/schemas/teams.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { TeamService } from '../teams/service.js';
import { actorOf, baseUrlOf } from '../teams/routes.js';
import type { InvitationAddressee } from './addressee.js';
import type { InvitationCommands } from './commands.js';
import type { InvitationService } from './service.js';

/** /api/teams/:teamId/invitations: mounted in the team scope (members only). */
export function teamInvitationRoutes(
  commands: InvitationCommands,
  teams: TeamService,
  publicUrl: string | undefined,
): Router {
  const router = Router({ mergeParams: true });

  router.post('/invitations', async (req, res) => {
    const input = parse(inviteSchema, req.body);
    res.status(201).json(await commands.invite(teamOf(req), input, baseUrlOf(req, publicUrl)));
  });

  router.post('/invitations/:invitationId/cancel', async (req, res) => {
    await commands.cancel(teamOf(req), String(req.params.invitationId));
    res.json({ team: await teams.get(teamOf(req)) });
  });

  return router;
}

/** /api/invitations: the invitee's side (inbox, links), outside any team they belong to. */
export function invitationRoutes(
  invitations: InvitationService,
  commands: InvitationCommands,
  addressee: InvitationAddressee,
): Router {
  const router = Router();

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
    const { token, code } = parse(claimInvitationSchema, req.body);
    res.json(await commands.claim(actorOf(req), token, code));
  });

  /** Sends a one-time code to the invited address (docs/identity.md, "Invitations"). */
  router.post('/invitations/code', requireAuth, async (req, res) => {
    const { token } = parse(invitationCodeSchema, req.body);
    res.status(202).json(await addressee.sendCode(actorOf(req), token));
  });

  router.post('/invitations/:id/accept', requireAuth, async (req, res) => {
    res.json(await commands.accept(actorOf(req), String(req.params.id)));
  });

  router.post('/invitations/:id/decline', requireAuth, async (req, res) => {
    await commands.decline(actorOf(req), String(req.params.id));
    res.status(204).end();
  });

  return router;
}

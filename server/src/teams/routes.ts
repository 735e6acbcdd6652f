import { Router, type Request } from 'express';
import { consentSchema, patientUpdateSchema } from '../../../shared/src/schemas/patient.js';
import {
  closeTeamSchema,
  createTeamSchema,
  renewSchema,
  setMedecinTraitantSchema,
  withdrawConsentSchema,
} from '../../../shared/src/schemas/teams.js';
import { auditQuerySchema } from '../../../shared/src/audit.js';
import { parisDateTime } from '../../../shared/src/glossary.js';
import { PROFESSION_LABELS } from '../../../shared/src/professions.js';
import type { AuditEntryView } from '../../../shared/src/views.js';
import type { InvitationCommands } from '../invitations/commands.js';
import { toCsv } from '../http/csv.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import type { TeamCommands } from './commands.js';
import { teamOf } from './context.js';
import type { TeamService } from './service.js';

export const actorOf = (req: Request) => req.auth!.professional;

/** Base address for links sent to people outside the app (invitations). */
export const baseUrlOf = (req: Request, publicUrl: string | undefined) =>
  publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** /api/teams and /api/settings: "Mes ESCAP" and creation. */
export function teamCollectionRoutes(
  teams: TeamService,
  commands: TeamCommands,
  invitationCommands: InvitationCommands,
  publicUrl: string | undefined,
): Router {
  const router = Router();
  router.get('/settings', requireAuth, (_req, res) => {
    res.json(teams.settings());
  });

  router.get('/teams', requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ teams: await teams.list(actorOf(req)) });
  });

  router.post('/teams', requireAuth, async (req, res) => {
    const input = parse(createTeamSchema, req.body);
    const { teamId, invitation } = await commands.create(actorOf(req), input);
    const ctx = await teams.member(actorOf(req), teamId);
    const link = invitation
      ? (
          await invitationCommands.created(
            invitation.doc,
            invitation.token,
            baseUrlOf(req, publicUrl),
          )
        ).link
      : undefined;
    res.status(201).json({ team: await teams.view(ctx), link });
  });
  return router;
}

/** /api/teams/:teamId/…: mounted in the team scope (teams/context.ts), members only. */
export function teamMemberRoutes(teams: TeamService, commands: TeamCommands): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ team: await teams.get(teamOf(req)) });
  });

  router.patch('/patient', async (req, res) => {
    const input = parse(patientUpdateSchema, req.body);
    await commands.updatePatient(teamOf(req), input);
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.post('/leave', async (req, res) => {
    await commands.leave(teamOf(req));
    res.status(204).end();
  });

  router.post('/members/:professionalId/remove', async (req, res) => {
    await commands.removeMember(teamOf(req), String(req.params.professionalId));
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.post('/medecin-traitant', async (req, res) => {
    const { professionalId } = parse(setMedecinTraitantSchema, req.body);
    await commands.setMedecinTraitant(teamOf(req), professionalId);
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.post('/consent/withdraw', async (req, res) => {
    parse(withdrawConsentSchema, req.body);
    await commands.withdrawConsent(teamOf(req));
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.post('/consent', async (req, res) => {
    const consent = parse(consentSchema, req.body);
    await commands.recordConsent(teamOf(req), consent);
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.post('/renew', async (req, res) => {
    const { inclusion } = parse(renewSchema, req.body);
    await commands.renew(teamOf(req), inclusion);
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.post('/close', async (req, res) => {
    const input = parse(closeTeamSchema, req.body);
    await commands.close(teamOf(req), input);
    res.json({ team: await teams.view(teamOf(req)) });
  });

  router.get('/audit', async (req, res) => {
    const query = parse(auditQuerySchema, req.query);
    res.set('Cache-Control', 'no-store');
    res.json(await teams.auditPage(teamOf(req), query));
  });

  /** The patient's right of access: the whole log (or what the filters keep) as CSV. */
  router.get('/audit/export', async (req, res) => {
    const ctx = teamOf(req);
    const { actor, kind } = parse(auditQuerySchema, req.query);
    const entries = await teams.auditExport(ctx, { actor, kind });
    res.set('Cache-Control', 'no-store');
    res.attachment(`journal-acces-escap-${String(ctx.team._id)}.csv`);
    res.type('text/csv; charset=utf-8');
    res.send(auditCsv(entries));
  });

  return router;
}

/**
 * The audit log as CSV (server/src/http/csv.ts: quoting and formula neutralisation), read by
 * people: names, French labels, Paris time.
 */
export function auditCsv(entries: AuditEntryView[]): string {
  return toCsv([
    ['Date et heure (Paris)', 'Professionnel', 'Profession', 'Action', 'Objet'],
    ...entries.map((e) => [
      parisDateTime(new Date(e.at)),
      e.byPatient ?? `${e.actor.firstName} ${e.actor.lastName}`.trim(),
      e.byPatient ? '' : PROFESSION_LABELS[e.actor.profession],
      e.action,
      e.detail ?? '',
    ]),
  ]);
}

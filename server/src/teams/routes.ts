import { Router, type Request } from 'express';
import { consentSchema, patientUpdateSchema } from '../../../shared/src/schemas/patient.js';
import {
  closeTeamSchema,
  createTeamSchema,
  renewSchema,
  setMedecinTraitantSchema,
  withdrawConsentSchema,
} from '../../../shared/src/schemas/teams.js';
import type { AuditEntryView } from '../../../shared/src/views.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import type { TeamLifecycle } from './lifecycle.js';
import type { TeamService } from './service.js';

export const actorOf = (req: Request) => req.auth!.professional;

/** Base address for links sent to people outside the app (invitations). */
export const baseUrlOf = (req: Request, publicUrl: string | undefined) =>
  publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** /api/teams: every route needs a session; the service checks membership (404 otherwise). */
export function teamRoutes(
  teams: TeamService,
  lifecycle: TeamLifecycle,
  publicUrl: string | undefined,
): Router {
  const router = Router();
  router.use('/teams', requireAuth);

  router.get('/settings', requireAuth, (_req, res) => {
    res.json(teams.settings());
  });

  router.get('/teams', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ teams: await teams.list(actorOf(req)) });
  });

  router.post('/teams', async (req, res) => {
    const input = parse(createTeamSchema, req.body);
    const result = await teams.create(actorOf(req), input, baseUrlOf(req, publicUrl));
    res.status(201).json(result);
  });

  router.get('/teams/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ team: await teams.get(actorOf(req), req.params.id) });
  });

  router.patch('/teams/:id/patient', async (req, res) => {
    // Membership first: a non-member learns nothing, not even which fields are valid.
    await teams.member(actorOf(req), req.params.id);
    const input = parse(patientUpdateSchema, req.body);
    res.json({ team: await teams.updatePatient(actorOf(req), req.params.id, input) });
  });

  router.post('/teams/:id/leave', async (req, res) => {
    await lifecycle.leave(actorOf(req), req.params.id);
    res.status(204).end();
  });

  router.post('/teams/:id/members/:professionalId/remove', async (req, res) => {
    res.json({
      team: await lifecycle.removeMember(actorOf(req), req.params.id, req.params.professionalId),
    });
  });

  router.post('/teams/:id/medecin-traitant', async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const { professionalId } = parse(setMedecinTraitantSchema, req.body);
    res.json({
      team: await lifecycle.setMedecinTraitant(actorOf(req), req.params.id, professionalId),
    });
  });

  router.post('/teams/:id/consent/withdraw', async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    parse(withdrawConsentSchema, req.body);
    res.json({ team: await lifecycle.withdrawConsent(actorOf(req), req.params.id) });
  });

  router.post('/teams/:id/consent', async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const consent = parse(consentSchema, req.body);
    res.json({ team: await lifecycle.recordConsent(actorOf(req), req.params.id, consent) });
  });

  router.post('/teams/:id/renew', async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const { inclusion } = parse(renewSchema, req.body);
    res.json({ team: await lifecycle.renew(actorOf(req), req.params.id, inclusion) });
  });

  router.post('/teams/:id/close', async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const input = parse(closeTeamSchema, req.body);
    res.json({ team: await lifecycle.close(actorOf(req), req.params.id, input) });
  });

  router.get('/teams/:id/audit', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ entries: await teams.auditLog(actorOf(req), req.params.id, 'audit.read') });
  });

  /** The patient's right of access: the whole log as CSV. */
  router.get('/teams/:id/audit/export', async (req, res) => {
    const entries = await teams.auditLog(actorOf(req), req.params.id, 'audit.export');
    res.set('Cache-Control', 'no-store');
    res.attachment(`journal-acces-escap-${req.params.id}.csv`);
    res.type('text/csv; charset=utf-8');
    res.send(toCsv(entries));
  });

  return router;
}

const csvCell = (value: string) =>
  /[",;\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/** Semicolon-separated with a BOM: what French spreadsheet software opens as columns. */
export function toCsv(entries: AuditEntryView[]): string {
  const rows = [
    ['date', 'professionnel', 'profession', 'action', 'detail'],
    ...entries.map((e) => [
      e.at,
      `${e.actor.firstName} ${e.actor.lastName}`.trim(),
      e.actor.profession,
      e.action,
      e.detail ?? '',
    ]),
  ];
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

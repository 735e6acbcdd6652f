import { Router, type Request } from 'express';
import { createGrantSchema, openPatientSessionSchema } from '../../../shared/src/patient-access.js';
import { PATIENT_SESSION_TTL_MS } from '../../../shared/src/rules/patient-access.js';
import { cookieOptions, parseCookies } from '../http/cookies.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { PatientAccessService } from './service.js';

/**
 * The patient's own cookie: never the professional session's name, so a patient session is an
 * anonymous caller on every professional route (docs/patient-access.md).
 */
export const PATIENT_COOKIE = 'escap_patient';

/** /api/teams/:teamId/patient-access, in the team scope: a non-member has had the 404. */
export function teamPatientAccessRoutes(access: PatientAccessService): Router {
  const router = Router({ mergeParams: true });
  const base = '/patient-access';

  router.get(base, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ grants: await access.list(teamOf(req)) });
  });

  router.post(base, async (req, res) => {
    const input = parse(createGrantSchema, req.body);
    res.status(201).json({ grant: await access.create(teamOf(req), input) });
  });

  router.post(`${base}/:grantId/code`, async (req, res) => {
    res.json(await access.sendCode(teamOf(req), String(req.params.grantId)));
  });

  router.post(`${base}/:grantId/revoke`, async (req, res) => {
    res.json({ grant: await access.revoke(teamOf(req), String(req.params.grantId)) });
  });

  return router;
}

const tokenOf = (req: Request) => parseCookies(req.headers.cookie)[PATIENT_COOKIE];

/** /api/patient: the patient's side, reached with the patient cookie only. */
export function patientRoutes(access: PatientAccessService, secure: boolean): Router {
  const router = Router();

  router.post('/patient/session', async (req, res) => {
    const { address, code } = parse(openPatientSessionSchema, req.body);
    const { token } = await access.open(address, code);
    res.cookie(PATIENT_COOKIE, token, cookieOptions(secure, true, PATIENT_SESSION_TTL_MS));
    res.status(201).json({ ok: true });
  });

  router.delete('/patient/session', async (req, res) => {
    await access.endSession(tokenOf(req));
    res.clearCookie(PATIENT_COOKIE, cookieOptions(secure, true));
    res.status(204).end();
  });

  router.get('/patient/view', async (req, res) => {
    const ctx = await access.resolve(tokenOf(req));
    res.set('Cache-Control', 'no-store');
    res.json({ view: await access.view(ctx) });
  });

  return router;
}

import { Router } from 'express';
import {
  actionTaskSchema,
  planVersionQuerySchema,
  saveCarePlanSchema,
} from '../../../shared/src/care-plan.js';
import { AppError } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { TeamService } from '../teams/service.js';
import { renderCarePlanPdf } from './pdf.js';
import type { CarePlanService } from './service.js';

/** /api/teams/:teamId/plan (docs/patient-file.md), mounted in the team scope. */
export function carePlanRoutes(plan: CarePlanService, teams: TeamService): Router {
  const router = Router({ mergeParams: true });

  router.get('/plan', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ plan: await plan.get(teamOf(req)) });
  });

  router.post('/plan', async (req, res) => {
    const input = parse(saveCarePlanSchema, req.body);
    res.status(201).json({ plan: await plan.save(teamOf(req), input) });
  });

  router.post('/plan/actions/:index/task', async (req, res) => {
    const index = Number(req.params.index);
    if (!Number.isInteger(index) || index < 0) throw new AppError('plan_not_found');
    const input = parse(actionTaskSchema, req.body);
    res.status(201).json({ task: await plan.actionToTask(teamOf(req), index, input) });
  });

  router.get('/plan/pdf', async (req, res) => {
    const { version } = parse(planVersionQuerySchema, req.query);
    const ctx = teamOf(req);
    const view = await plan.version(ctx, version);
    const pdf = await renderCarePlanPdf(view, await teams.patientLabel(ctx));
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="plan-de-soins-v${version}.pdf"`,
      'Cache-Control': 'no-store',
    });
    res.send(pdf);
  });

  return router;
}

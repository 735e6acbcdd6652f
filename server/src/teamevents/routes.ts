import { Router } from 'express';
import { recordEventSchema } from '../../../shared/src/team-events.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { TeamEventService } from './service.js';

/** /api/teams/:teamId/events and /timeline (docs/patient-file.md), in the team scope. */
export function teamEventRoutes(events: TeamEventService): Router {
  const router = Router({ mergeParams: true });

  router.get('/events', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ events: await events.list(teamOf(req)) });
  });

  router.post('/events', async (req, res) => {
    const input = parse(recordEventSchema, req.body);
    res.status(201).json({ event: await events.record(teamOf(req), input) });
  });

  router.get('/timeline', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ items: await events.timeline(teamOf(req)) });
  });

  return router;
}

import { Router } from 'express';
import {
  createTaskSchema,
  deleteTaskQuerySchema,
  taskVersionSchema,
  updateTaskSchema,
} from '../../../shared/src/tasks.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import type { TeamService } from '../teams/service.js';
import { actorOf } from '../teams/routes.js';
import type { TaskService } from './service.js';

/**
 * /api/teams/:id/tasks (docs/tasks.md). Membership is checked before the body is parsed, so
 * a non-member learns nothing, not even which fields are valid.
 */
export function taskRoutes(tasks: TaskService, teams: TeamService): Router {
  const router = Router();
  const base = '/teams/:id/tasks';
  router.use(base, requireAuth);

  router.get(base, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ tasks: await tasks.list(actorOf(req), req.params.id) });
  });

  router.get(`${base}/summary`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ summary: await tasks.summary(actorOf(req), req.params.id) });
  });

  router.post(base, async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const input = parse(createTaskSchema, req.body);
    res.status(201).json({ task: await tasks.create(actorOf(req), req.params.id, input) });
  });

  router.patch(`${base}/:taskId`, async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const input = parse(updateTaskSchema, req.body);
    res.json({
      task: await tasks.update(actorOf(req), req.params.id, req.params.taskId, input),
    });
  });

  router.post(`${base}/:taskId/complete`, async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const { version } = parse(taskVersionSchema, req.body);
    res.json({
      task: await tasks.complete(actorOf(req), req.params.id, req.params.taskId, version),
    });
  });

  router.post(`${base}/:taskId/reopen`, async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const { version } = parse(taskVersionSchema, req.body);
    res.json({
      task: await tasks.reopen(actorOf(req), req.params.id, req.params.taskId, version),
    });
  });

  router.delete(`${base}/:taskId`, async (req, res) => {
    await teams.member(actorOf(req), req.params.id);
    const { version } = parse(deleteTaskQuerySchema, req.query);
    await tasks.remove(actorOf(req), req.params.id, req.params.taskId, version);
    res.status(204).end();
  });

  return router;
}

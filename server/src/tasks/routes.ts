import { Router } from 'express';
import {
  createTaskSchema,
  deleteTaskQuerySchema,
  taskVersionSchema,
  updateTaskSchema,
} from '../../../shared/src/tasks.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { TaskService } from './service.js';

/**
 * /api/teams/:teamId/tasks (docs/tasks.md), mounted in the team scope: membership is checked
 * before the body is parsed, so a non-member learns nothing, not even which fields are valid.
 */
export function taskRoutes(tasks: TaskService): Router {
  const router = Router({ mergeParams: true });
  const base = '/tasks';

  router.get(base, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ tasks: await tasks.list(teamOf(req)) });
  });

  router.get(`${base}/summary`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ summary: await tasks.summary(teamOf(req)) });
  });

  router.post(base, async (req, res) => {
    const input = parse(createTaskSchema, req.body);
    res.status(201).json({ task: await tasks.create(teamOf(req), input) });
  });

  router.patch(`${base}/:taskId`, async (req, res) => {
    const input = parse(updateTaskSchema, req.body);
    res.json({
      task: await tasks.update(teamOf(req), String(req.params.taskId), input),
    });
  });

  router.post(`${base}/:taskId/complete`, async (req, res) => {
    const { version } = parse(taskVersionSchema, req.body);
    res.json({
      task: await tasks.complete(teamOf(req), String(req.params.taskId), version),
    });
  });

  router.post(`${base}/:taskId/reopen`, async (req, res) => {
    const { version } = parse(taskVersionSchema, req.body);
    res.json({
      task: await tasks.reopen(teamOf(req), String(req.params.taskId), version),
    });
  });

  router.delete(`${base}/:taskId`, async (req, res) => {
    const { version } = parse(deleteTaskQuerySchema, req.query);
    await tasks.remove(teamOf(req), String(req.params.taskId), version);
    res.status(204).end();
  });

  return router;
}

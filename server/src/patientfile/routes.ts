import { Router } from 'express';
import {
  addFileEntrySchema,
  deleteFileEntryQuerySchema,
  updateFileEntrySchema,
} from '../../../shared/src/patient-file.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { PatientFileService } from './service.js';

/**
 * /api/teams/:teamId/file (docs/patient-file.md), mounted in the team scope: membership is
 * checked before the body is parsed, so a non-member learns nothing.
 */
export function patientFileRoutes(file: PatientFileService): Router {
  const router = Router({ mergeParams: true });
  const base = '/file/entries';

  router.get(base, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ entries: await file.list(teamOf(req)) });
  });

  router.post(base, async (req, res) => {
    const input = parse(addFileEntrySchema, req.body);
    res.status(201).json({ entry: await file.add(teamOf(req), input) });
  });

  router.patch(`${base}/:entryId`, async (req, res) => {
    const input = parse(updateFileEntrySchema, req.body);
    res.json({ entry: await file.update(teamOf(req), String(req.params.entryId), input) });
  });

  router.delete(`${base}/:entryId`, async (req, res) => {
    const { version } = parse(deleteFileEntryQuerySchema, req.query);
    await file.remove(teamOf(req), String(req.params.entryId), version);
    res.status(204).end();
  });

  return router;
}

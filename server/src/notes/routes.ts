import { Router, type Request } from 'express';
import {
  createVersionSchema,
  noteAddressSchema,
  type NoteAddress,
} from '../../../shared/src/notes.js';
import { notFound } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import type { NoteService } from './service.js';

/** A note's address from the URL; anything unknown is the same 404 as a team one may not see. */
function addressOf(req: Request): NoteAddress {
  const teamId = String(teamOf(req).team._id);
  const parsed = noteAddressSchema.safeParse({ teamId, doc: req.params.doc });
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/**
 * History around the live notes: who wrote what recently, and named versions. Mounted in the
 * team scope (/api/teams/:teamId/notes/:doc/…), members only.
 */
export function noteRoutes(notes: NoteService): Router {
  const router = Router({ mergeParams: true });
  const base = '/notes/:doc';

  router.get(`${base}/activity`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ activity: await notes.activity(teamOf(req), addressOf(req)) });
  });

  router.get(`${base}/versions`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ versions: await notes.versions(teamOf(req), addressOf(req)) });
  });

  router.post(`${base}/versions`, async (req, res) => {
    const address = addressOf(req);
    const { name } = parse(createVersionSchema, req.body);
    res.status(201).json({ version: await notes.createVersion(teamOf(req), address, name) });
  });

  router.get(`${base}/versions/:versionId`, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({
      version: await notes.version(teamOf(req), addressOf(req), String(req.params.versionId)),
    });
  });

  return router;
}

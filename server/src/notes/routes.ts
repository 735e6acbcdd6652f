import { Router, type Request } from 'express';
import {
  createVersionSchema,
  noteAddressSchema,
  type NoteAddress,
} from '../../../shared/src/notes.js';
import { notFound } from '../http/errors.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import { actorOf } from '../teams/routes.js';
import type { NoteService } from './service.js';

/** A note's address from the URL; anything unknown is the same 404 as a team one may not see. */
function addressOf(req: Request): NoteAddress {
  const parsed = noteAddressSchema.safeParse({ teamId: req.params.id, doc: req.params.doc });
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** History around the live notes: who wrote what recently, and named versions. */
export function noteRoutes(notes: NoteService): Router {
  const router = Router();
  const base = '/teams/:id/notes/:doc';

  router.get(`${base}/activity`, requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ activity: await notes.activity(actorOf(req), addressOf(req)) });
  });

  router.get(`${base}/versions`, requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ versions: await notes.versions(actorOf(req), addressOf(req)) });
  });

  router.post(`${base}/versions`, requireAuth, async (req, res) => {
    const address = addressOf(req);
    await notes.checkMember(actorOf(req), address);
    const { name } = parse(createVersionSchema, req.body);
    res.status(201).json({ version: await notes.createVersion(actorOf(req), address, name) });
  });

  router.get(`${base}/versions/:versionId`, requireAuth, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({
      version: await notes.version(actorOf(req), addressOf(req), String(req.params.versionId)),
    });
  });

  return router;
}

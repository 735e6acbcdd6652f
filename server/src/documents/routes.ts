import { Router, type Response } from 'express';
import { documentListQuerySchema } from '../../../shared/src/documents.js';
import { AppError } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { teamOf } from '../teams/context.js';
import { readUpload } from './form.js';
import type { DocumentService, Served } from './service.js';

/** The one route whose body is not JSON (app.ts lets it through the JSON-only rule). */
export const UPLOAD_PATH = /^\/teams\/[^/]+\/documents\/?$/;

/**
 * /api/teams/:teamId/documents (docs/documents.md), mounted in the team scope: a session and
 * current membership are checked before anything else, so anyone else gets the same 404 on
 * every route, the upload's body unread. CSRF applies to the upload like to every write.
 */
export function documentRoutes(documents: DocumentService, maxFileBytes: number): Router {
  const router = Router({ mergeParams: true });
  const base = '/documents';

  router.get(base, async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    const { kind } = parse(documentListQuerySchema, req.query);
    res.json({ documents: await documents.list(teamOf(req), kind) });
  });

  router.post(base, async (req, res) => {
    if (!req.is('multipart/form-data')) throw new AppError('unsupported_media_type');
    const ctx = teamOf(req);
    // Refused before a byte is read (Node reads and drops the rest of an unread body).
    await documents.precheck(ctx, Number(req.headers['content-length'] ?? 0) || 0);
    const { document, created } = await readUpload(req, maxFileBytes, (fields, file) =>
      documents.add(ctx, fields, file),
    );
    res.status(created ? 201 : 200).json({ document });
  });

  router.get(`${base}/:documentId/file`, async (req, res) => {
    const download = req.query.download === '1';
    send(res, await documents.serve(teamOf(req), String(req.params.documentId), 'file', download));
  });

  router.get(`${base}/:documentId/thumbnail`, async (req, res) => {
    send(
      res,
      await documents.serve(teamOf(req), String(req.params.documentId), 'thumbnail', false),
    );
  });

  router.delete(`${base}/:documentId`, async (req, res) => {
    await documents.remove(teamOf(req), String(req.params.documentId));
    res.status(204).end();
  });

  return router;
}

/**
 * Streams a document out. Nothing of ours is ever rendered from these bytes: no sniffing,
 * a sandbox with nothing allowed (a PDF opened anyway runs no script in our origin), PDFs
 * (and images asked as downloads) as attachments, and no copy kept by any cache.
 */
function send(res: Response, served: Served): void {
  const name = encodeURIComponent(served.fileName);
  const ascii = served.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  res.set({
    'Content-Type': served.mime,
    'Content-Length': String(served.size),
    'Content-Disposition': `${served.attachment ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${name}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  served.stream.on('error', (err) => res.destroy(err));
  served.stream.pipe(res);
}

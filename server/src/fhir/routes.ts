import { Router } from 'express';
import { teamOf } from '../teams/context.js';
import type { FhirExportService } from './service.js';

/** GET /api/teams/:teamId/fhir: the team's file as a FHIR R4 Bundle, for its managers. */
export function fhirRoutes(fhir: FhirExportService, publicUrl: string | undefined): Router {
  const router = Router({ mergeParams: true });
  router.get('/fhir', async (req, res) => {
    const ctx = teamOf(req);
    // The public address, not the request's Host header (which the caller chooses); without
    // one configured, a URL relative to the server.
    const documentsUrl = `${publicUrl ?? ''}/api/teams/${String(ctx.team._id)}/documents`;
    const bundle = await fhir.export(ctx, documentsUrl);
    res.set({
      'Content-Type': 'application/fhir+json; charset=utf-8',
      'Content-Disposition': `attachment; filename="escap-${String(ctx.team._id)}.fhir.json"`,
      'Cache-Control': 'no-store',
    });
    res.send(JSON.stringify(bundle));
  });
  return router;
}

import { Router } from 'express';
import { directorySearchSchema, type DirectorySearchView } from '../../../shared/src/directory.js';
import { requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import type { Directory } from './service.js';

/** /api/directory: whether a directory is loaded (public: the sign-up page says it), and the search. */
export function directoryRoutes(directory: Directory): Router {
  const router = Router();

  router.get('/directory/status', async (_req, res) => {
    res.json(await directory.status());
  });

  /** The invite form's search: public directory data, for signed-in professionals only. */
  router.get('/directory/search', requireAuth, async (req, res) => {
    const { q } = parse(directorySearchSchema, { q: req.query.q });
    const body: DirectorySearchView = {
      status: await directory.status(),
      hits: await directory.search(q),
    };
    res.set('Cache-Control', 'no-store');
    res.json(body);
  });

  return router;
}

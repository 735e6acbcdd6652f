import { Router } from 'express';
import type { Connection } from 'mongoose';
import { pingDatabase } from '../db/connection.js';
import type { RedisLink } from '../realtime/redis.js';

/**
 * For load balancers and orchestrators. `/health` says the process is alive (restart it if
 * not); `/ready` says it can serve: the database answers and, with several instances, Redis
 * is linked (take it out of rotation if not: its users would not see the others' edits live).
 */
export function healthRoutes(db: Connection, engine: string, link?: RedisLink): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ status: 'alive' });
  });
  router.get('/ready', async (_req, res) => {
    const database = await pingDatabase(db);
    const redis = link ? link.state === 'up' : undefined;
    const ready = database && redis !== false;
    res.set('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      database: { state: database ? 'connected' : 'unreachable', engine },
      ...(link ? { redis: { state: redis ? 'connected' : 'unreachable' } } : {}),
    });
  });
  return router;
}

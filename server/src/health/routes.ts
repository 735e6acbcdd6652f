import { Router } from 'express';
import type { Connection } from 'mongoose';
import { pingDatabase } from '../db/connection.js';

/** Liveness and database state, for load balancers and the compose healthcheck. */
export function healthRoutes(db: Connection, engine: string): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const up = await pingDatabase(db);
    res.set('Cache-Control', 'no-store');
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : 'degraded',
      database: { state: up ? 'connected' : 'unreachable', engine },
    });
  });
  return router;
}

import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { safeEqual } from '../auth/tokens.js';
import { pingDatabase } from '../db/connection.js';
import type { DocRegistry } from '../notes/registry.js';
import type { AppServer } from '../realtime/io.js';
import type { RedisLink } from '../realtime/redis.js';

/**
 * Prometheus metrics of one instance, in a registry of its own (no global: two apps in one
 * process, as in tests, keep theirs apart). Counts and times only: no label carries an id, a
 * name or anything of a patient.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly edits = new Counter({
    name: 'escap_note_edits_total',
    help: 'Note edits acknowledged (stored) by this instance.',
    registers: [this.registry],
  });
  private readonly messages = new Counter({
    name: 'escap_chat_messages_total',
    help: 'Chat messages stored by this instance.',
    registers: [this.registry],
  });
  private readonly ack = new Histogram({
    name: 'escap_ack_latency_seconds',
    help: 'From an event received to its acknowledgement sent (stored first).',
    labelNames: ['event'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(deps: {
    io: AppServer;
    db: Connection;
    registry: DocRegistry;
    link?: RedisLink | undefined;
  }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'escap_node_' });
    new Gauge({
      name: 'escap_connected_sockets',
      help: 'Live sockets held by this instance.',
      registers: [this.registry],
      collect() {
        this.set(deps.io.of('/').sockets.size);
      },
    });
    new Gauge({
      name: 'escap_open_notes',
      help: 'Notes this instance holds in memory.',
      registers: [this.registry],
      collect() {
        this.set(deps.registry.size);
      },
    });
    new Gauge({
      name: 'escap_database_latency_seconds',
      help: 'A ping of the database at scrape time (a timeout counts as 2 s).',
      registers: [this.registry],
      async collect() {
        const start = process.hrtime.bigint();
        const up = await pingDatabase(deps.db, 2000);
        this.set(up ? Number(process.hrtime.bigint() - start) / 1e9 : 2);
      },
    });
    new Gauge({
      name: 'escap_redis_up',
      help: '1 while Redis links this instance to the others, 0 while it is away, -1 without Redis.',
      registers: [this.registry],
      collect() {
        this.set(deps.link ? (deps.link.state === 'up' ? 1 : 0) : -1);
      },
    });
  }

  /** An acknowledged edit or message, with the time from its arrival (process.hrtime ns). */
  acknowledged(event: 'note:update' | 'chat:send', since: bigint): void {
    this.ack.observe({ event }, Number(process.hrtime.bigint() - since) / 1e9);
    (event === 'note:update' ? this.edits : this.messages).inc();
  }
}

/**
 * GET /metrics for Prometheus. With METRICS_TOKEN set, only with `Authorization: Bearer
 * <token>`; without it, only from this machine (a scraper beside the app, or a port kept off
 * the proxy), so that nobody outside reads the platform's activity.
 */
export function metricsRoutes(metrics: AppMetrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!allowed(req, token)) {
      res.status(404).end();
      return;
    }
    res.set('Content-Type', metrics.registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  });
  return router;
}

function allowed(req: Request, token: string | undefined): boolean {
  if (token) {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    return given !== undefined && safeEqual(given, token);
  }
  const ip = req.socket.remoteAddress ?? '';
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Connection } from 'mongoose';
import { LIMITS } from '../../shared/src/limits.js';
import { accountRoutes } from './accounts/routes.js';
import { authRoutes } from './auth/routes.js';
import type { ThrottlePolicy } from './auth/throttle.js';
import { chatRoutes } from './chat/routes.js';
import { chatSocketFeature } from './chat/socket.js';
import { documentRoutes, UPLOAD_PATH } from './documents/routes.js';
import type { CommandHooks } from './commands/command.js';
import type { Config } from './config.js';
import { healthRoutes } from './health/routes.js';
import { directoryRoutes } from './directory/routes.js';
import { errorHandler, notFound } from './http/errors.js';
import { csrfProtection, loadSession, requestContext, requireJsonBody } from './http/middleware.js';
import './http/types.js';
import { invitationRoutes, teamInvitationRoutes } from './invitations/routes.js';
import { ledgerRoutes, statementKeysRoute } from './ledger/routes.js';
import { safeError, type Logger } from './logger.js';
import { noteRoutes } from './notes/routes.js';
import { noteSocketFeature } from './notes/socket.js';
import { notificationRoutes } from './notifications/routes.js';
import { pushRoutes, teamPushRoutes } from './notifications/push/routes.js';
import { professionalRoutes } from './professionals/routes.js';
import { pscRoutes } from './psc/routes.js';
import { httpRateLimit } from './ratelimit/http.js';
import { RateLimits } from './ratelimit/limits.js';
import { rateLimitSocketFeature } from './ratelimit/socket.js';
import {
  createSocketServer,
  endSessionSockets,
  type AppServer,
  type SocketFeature,
} from './realtime/io.js';
import { RedisLink } from './realtime/redis.js';
import { watchRedis } from './realtime/degraded.js';
import { localBus, RedisNoteBus } from './notes/bus.js';
import { AppMetrics, metricsRoutes } from './metrics/metrics.js';
import { buildServices, type Services } from './services.js';
import { carePlanRoutes } from './careplan/routes.js';
import { fhirRoutes } from './fhir/routes.js';
import { patientFileRoutes } from './patientfile/routes.js';
import { teamEventRoutes } from './teamevents/routes.js';
import { patientRoutes, teamPatientAccessRoutes } from './patientaccess/routes.js';
import { taskRoutes } from './tasks/routes.js';
import { teamScope } from './teams/context.js';
import { teamCollectionRoutes, teamMemberRoutes } from './teams/routes.js';
import { teamSocketFeature } from './teams/socket.js';

export interface AppDeps {
  config: Config;
  db: Connection;
  logger: Logger;
  /** Which database engine backs `db`, reported by /api/ready. */
  engine?: string;
  throttle?: ThrottlePolicy;
  /** The app's clock: every service reads the time from it (tests move it across a year). */
  clock?: () => Date;
  /** Test seams of the commands (race and crash tests); production passes none. */
  hooks?: CommandHooks;
}

export interface App {
  httpServer: HttpServer;
  /** The HTTP routes (tests read the router to try every route). */
  http: express.Express;
  io: AppServer;
  services: Services;
  /** Idempotent, ordered shutdown: stop accepting, close sockets, flush writes, close the database. */
  close(): Promise<void>;
}

export async function createApp({
  config,
  db,
  logger,
  engine = 'mongodb',
  throttle,
  clock = () => new Date(),
  hooks,
}: AppDeps): Promise<App> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Plain-HTTP localhost must not be upgraded; production sits behind HTTPS.
          upgradeInsecureRequests: config.secureCookies ? [] : null,
          // The service worker (/sw.js) and the web app manifest, from this origin only.
          workerSrc: ["'self'"],
          manifestSrc: ["'self'"],
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );
  app.use(requestContext(logger));

  const httpServer = createServer(app);
  // The socket server and the services need each other: sockets look sessions and teams up,
  // services emit live events. Features are added once the services exist, before listening.
  const socketFeatures: SocketFeature[] = [];
  const late: { services?: Services } = {};
  const io = createSocketServer(
    httpServer,
    { resolve: (token) => late.services!.auth.resolve(token) },
    logger,
    socketFeatures,
    config.notes.maxUpdateBytes,
  );
  // Several instances: socket.io rooms and notes shared through Redis, before any connection.
  const link = config.redisUrl
    ? await RedisLink.connect(io, config.redisUrl, config.redisPrefix, logger)
    : undefined;
  const bus = link ? await RedisNoteBus.connect(link, config.redisPrefix, logger) : localBus;
  const s = await buildServices({ config, db, logger, io, bus, link, now: clock, throttle, hooks });
  late.services = s;
  const metrics = new AppMetrics({ io, db, registry: s.registry, link });
  // Fairness (docs/fairness.md): one client's flood must not slow everyone else down.
  const limits = config.rateLimits
    ? await RateLimits.create(config.rateLimits, config.redisUrl, logger)
    : undefined;
  if (limits) socketFeatures.push(rateLimitSocketFeature(limits));
  socketFeatures.push(
    teamSocketFeature(s.teamModels, s.teams),
    chatSocketFeature(s.chat, metrics, hooks),
    noteSocketFeature({
      notes: s.notes,
      registry: s.registry,
      presence: s.presence,
      sync: s.noteSync,
      metrics,
      hooks,
    }),
  );
  const watch = link ? watchRedis(io, link, socketFeatures, logger) : undefined;

  // Side effects of commands committed before a crash, then every few seconds those whose
  // instance did not deliver them in time.
  await s.outbox.start();
  // Terms run out with nobody acting: settle them every minute so members see it live.
  const sweep = setInterval(() => {
    s.teams
      .settleEndedTerms()
      .catch((err: unknown) => logger.error({ err: safeError(err) }, 'term sweep failed'));
    s.notices
      .sweepTermsEnding()
      .catch((err: unknown) => logger.error({ err: safeError(err) }, 'term notice sweep failed'));
  }, 60_000);
  sweep.unref();
  // Uploads cut short by a process that died: their bytes, at start-up and every hour.
  const sweepUploads = () =>
    s.documents
      .sweep()
      .catch((err: unknown) => logger.error({ err: safeError(err) }, 'upload sweep failed'));
  void sweepUploads();
  const uploadSweep = setInterval(() => void sweepUploads(), 3600_000);
  uploadSweep.unref();

  const api = express.Router();
  // JSON only, except the one upload route (multipart, streamed: documents/routes.ts), which
  // still goes through the session, CSRF and team-scope checks below.
  api.use((req, res, next) =>
    req.method === 'POST' && UPLOAD_PATH.test(req.path) ? next() : requireJsonBody(req, res, next),
  );
  api.use(express.json({ limit: LIMITS.jsonBodyBytes, strict: true }));
  api.use(healthRoutes(db, engine, link));
  api.use(loadSession(s.auth));
  if (limits) api.use(httpRateLimit(limits));
  api.use(csrfProtection(config.sessionSecret));
  api.use(
    authRoutes({
      config,
      auth: s.auth,
      accounts: s.accounts,
      onSignOut: (id) => endSessionSockets(io, id),
    }),
  );
  api.use(accountRoutes({ config, accounts: s.accounts, auth: s.auth, io }));
  api.use(pscRoutes({ config, psc: s.psc, accounts: s.accounts }));
  api.use(professionalRoutes(s.authModels.Professional));
  api.use(teamCollectionRoutes(s.teams, s.teamCommands, s.invitationCommands, config.publicUrl));
  // Everything about one team: the member context is resolved once per request (404 for
  // anyone else), then each feature's routes.
  const team = teamScope(s.teams);
  team.use(teamMemberRoutes(s.teams, s.teamCommands));
  team.use(teamInvitationRoutes(s.invitationCommands, s.teams, config.publicUrl));
  team.use(noteRoutes(s.notes));
  team.use(taskRoutes(s.tasks));
  team.use(patientFileRoutes(s.patientFile));
  team.use(carePlanRoutes(s.carePlan, s.teams));
  team.use(teamEventRoutes(s.teamEvents));
  team.use(teamPatientAccessRoutes(s.patientAccess));
  team.use(chatRoutes(s.chat));
  team.use(teamPushRoutes(s.push.settings));
  team.use(documentRoutes(s.documents, config.documents.maxBytes));
  team.use(fhirRoutes(s.fhir, config.publicUrl));
  api.use('/teams/:teamId', team);
  api.use(invitationRoutes(s.invitations, s.invitationCommands, s.addressee));
  api.use(directoryRoutes(s.directory));
  api.use(notificationRoutes(s.notifications));
  api.use(
    pushRoutes(s.push, {
      production: config.env === 'production',
      hosts: config.pushServiceHosts,
      now: clock,
    }),
  );
  api.use(ledgerRoutes(s.ledger, config.publicUrl));
  api.use(patientRoutes(s.patientAccess, config.secureCookies));
  api.use((_req, _res, next) => next(notFound()));
  app.use('/api', api);
  app.use(metricsRoutes(metrics, config.metricsToken));
  app.use(statementKeysRoute(s.statementKeys));

  if (config.clientDist && existsSync(config.clientDist)) {
    const dist = config.clientDist;
    // The service worker, the page and the manifest are checked at every load (a new build
    // is picked up at once); the hashed assets may be kept an hour.
    const revalidate = new Set(['sw.js', 'index.html', 'manifest.webmanifest']);
    app.use(
      express.static(dist, {
        index: false,
        maxAge: '1h',
        setHeaders: (res, file) => {
          if (revalidate.has(path.relative(dist, file))) res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
    // Single-page app: every other GET gets index.html, the client router takes over.
    app.get(/^(?!\/api\/|\/socket\.io\/).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache');
      res.sendFile(path.join(dist, 'index.html'));
    });
  }
  app.use(errorHandler(logger));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // 1. stop accepting; 2. close live sockets; 3. flush note writes; 4. database.
      clearInterval(sweep);
      clearInterval(uploadSweep);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      io.disconnectSockets(true);
      await io.close().catch(() => undefined);
      httpServer.closeAllConnections();
      await stopped;
      await s.outbox.close();
      await s.registry.closeAll();
      await s.notes.flushActivity().catch(() => undefined);
      await s.mailer.close();
      await s.sms.close();
      await s.push.sink.close();
      watch?.stop();
      await bus.close();
      await limits?.close();
      await link?.close();
      await db.close();
    })());

  return { httpServer, http: app, io, services: s, close };
}

import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Connection } from 'mongoose';
import { LIMITS } from '../../shared/src/limits.js';
import { registerAuditModel } from './audit/model.js';
import { AuditLog } from './audit/service.js';
import { registerAuthModels } from './auth/model.js';
import { authRoutes } from './auth/routes.js';
import { AuthService } from './auth/service.js';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottlePolicy } from './auth/throttle.js';
import { registerChatModels } from './chat/model.js';
import { chatRoutes } from './chat/routes.js';
import { ChatService } from './chat/service.js';
import { chatSocketFeature } from './chat/socket.js';
import { ChatUnread } from './chat/unread.js';
import type { Config } from './config.js';
import { registerContributionModel, type ContributionCounterDoc } from './contributions/model.js';
import { Contributions } from './contributions/service.js';
import { registerLedgerModels } from './ledger/model.js';
import { ledgerRoutes } from './ledger/routes.js';
import { LedgerService } from './ledger/service.js';
import { ensureIndexes } from './db/connection.js';
import { healthRoutes } from './health/routes.js';
import { errorHandler, notFound } from './http/errors.js';
import { csrfProtection, loadSession, requestContext, requireJsonBody } from './http/middleware.js';
import './http/types.js';
import { registerInvitationModel } from './invitations/model.js';
import { invitationRoutes } from './invitations/routes.js';
import { InvitationService } from './invitations/service.js';
import { safeError, type Logger } from './logger.js';
import { registerNotificationModel } from './notifications/model.js';
import { EmailSink } from './notifications/email.js';
import { TeamNotices } from './notifications/producers.js';
import { notificationRoutes } from './notifications/routes.js';
import { Notifications } from './notifications/service.js';
import { registerNoteModels } from './notes/model.js';
import { DocRegistry } from './notes/registry.js';
import { noteRoutes } from './notes/routes.js';
import { NoteService } from './notes/service.js';
import { noteSocketFeature } from './notes/socket.js';
import { NoteStore } from './notes/store.js';
import { professionalRoutes } from './professionals/routes.js';
import { registerTaskModel } from './tasks/model.js';
import { taskRoutes } from './tasks/routes.js';
import { TaskService } from './tasks/service.js';
import { TeamLifecycle } from './teams/lifecycle.js';
import { TeamLive } from './teams/live.js';
import { registerTeamModels } from './teams/model.js';
import { teamRoutes } from './teams/routes.js';
import { TeamService } from './teams/service.js';
import { teamSocketFeature } from './teams/socket.js';
import { observeStatusChanges } from './teams/status.js';
import {
  createSocketServer,
  endSessionSockets,
  type AppServer,
  type SocketFeature,
} from './realtime/io.js';
import { useRedisAdapter } from './realtime/redis.js';

export interface AppDeps {
  config: Config;
  db: Connection;
  logger: Logger;
  /** Which database engine backs `db`, reported by /api/health. */
  engine?: string;
  throttle?: ThrottlePolicy;
  /** The app's clock: every service reads the time from it (tests move it across a year). */
  clock?: () => Date;
}

export interface App {
  httpServer: HttpServer;
  io: AppServer;
  services: {
    auth: AuthService;
    teams: TeamService;
    invitations: InvitationService;
    notes: NoteService;
    contributions: Contributions;
    notifications: Notifications;
    tasks: TaskService;
    notices: TeamNotices;
    chat: ChatService;
  };
  /** Idempotent, ordered shutdown: stop accepting, close sockets, close the database. */
  close(): Promise<void>;
}

export async function createApp({
  config,
  db,
  logger,
  engine = 'mongodb',
  throttle,
  clock = () => new Date(),
}: AppDeps): Promise<App> {
  const now = clock;
  const models = registerAuthModels(db);
  const teamModels = registerTeamModels(db);
  const Invitation = registerInvitationModel(db);
  const noteModels = registerNoteModels(db);
  const audit = new AuditLog(registerAuditModel(db), now);
  const contributions = new Contributions(registerContributionModel(db), config.ledger.timeZone);
  const ledgerModels = registerLedgerModels(db);
  const Notification = registerNotificationModel(db);
  const Task = registerTaskModel(db);
  const chatModels = registerChatModels(db);
  await ensureIndexes(db);

  const auth = new AuthService({
    models,
    throttle: new LoginThrottle(models.LoginAttempt, throttle ?? DEFAULT_THROTTLE),
    sessionTtlMs: config.sessionTtlMs,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Plain-HTTP localhost must not be upgraded; production sits behind HTTPS.
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );
  app.use(requestContext(logger));

  const httpServer = createServer(app);
  // The socket server and the services need each other: sockets look teams up, services emit
  // live events. The feature list is filled once the services exist, before any connection.
  const socketFeatures: SocketFeature[] = [];
  const io = createSocketServer(
    httpServer,
    auth,
    logger,
    socketFeatures,
    config.notes.maxUpdateBytes,
  );
  const live = new TeamLive(io);
  const notifications = new Notifications({
    now,
    Notification,
    Professional: models.Professional,
    Membership: teamModels.Membership,
    io,
    logger,
  });
  // E-mail only when an SMTP server is configured: otherwise nothing is sent, nothing fails.
  const email = config.smtp
    ? new EmailSink({ ...config.smtp, publicUrl: config.publicUrl }, models.Professional, logger)
    : undefined;
  if (email) notifications.addSink(email);
  const notices = new TeamNotices({ models: teamModels, notifications, now });
  observeStatusChanges(teamModels, notices.statusChanged);
  const invitations = new InvitationService({
    now,
    models: teamModels,
    Invitation,
    Professional: models.Professional,
    audit,
    live,
    notifications,
    ttlMs: config.invitationTtlMs,
  });
  const teamDeps = {
    now,
    models: teamModels,
    Professional: models.Professional,
    Invitation,
    invitations,
    audit,
    live,
    eligibility: config.eligibility,
    invitationTtlDays: config.invitationTtlMs / (24 * 3600_000),
    unread: new ChatUnread(chatModels),
  };
  const teams = new TeamService(teamDeps);
  const lifecycle = new TeamLifecycle(teamDeps, teams);
  const tasks = new TaskService({
    now,
    Task,
    models: teamModels,
    Professional: models.Professional,
    teams,
    contributions,
    notifications,
    io,
    logger,
  });
  const noteStore = new NoteStore(noteModels);
  const registry = new DocRegistry(noteStore, logger, {
    compactAfter: config.notes.compactAfter,
    idleMs: 30_000,
  });
  const notes = new NoteService({
    now,
    models: noteModels,
    Professional: models.Professional,
    teams,
    registry,
    store: noteStore,
    limits: config.notes,
    contributions,
  });
  const chat = new ChatService({
    now,
    models: chatModels,
    teamModels,
    Professional: models.Professional,
    teams,
    io,
    notifications,
    contributions,
    logger,
  });
  socketFeatures.push(
    teamSocketFeature(teamModels, teams),
    chatSocketFeature(chat),
    noteSocketFeature(io, notes, registry, { multiInstance: Boolean(config.redisUrl) }),
  );
  // Terms run out with nobody acting: settle them every minute so members see it live.
  const sweep = setInterval(() => {
    teams
      .settleEndedTerms()
      .catch((err: unknown) => logger.error({ err: safeError(err) }, 'term sweep failed'));
    notices
      .sweepTermsEnding()
      .catch((err: unknown) => logger.error({ err: safeError(err) }, 'term notice sweep failed'));
  }, 60_000);
  sweep.unref();
  const closeRedis = config.redisUrl
    ? await useRedisAdapter(io, config.redisUrl, logger)
    : undefined;

  const ledger = new LedgerService({
    now,
    teams: teamModels,
    Counter: db.model<ContributionCounterDoc>('ContributionCounter'),
    Professional: models.Professional,
    ledger: ledgerModels,
    settings: config.ledger,
    settleEndedTerms: (ids) => teams.settleEndedTerms(ids),
  });

  const api = express.Router();
  api.use(requireJsonBody);
  api.use(express.json({ limit: LIMITS.jsonBodyBytes, strict: true }));
  api.use(healthRoutes(db, engine));
  api.use(loadSession(auth));
  api.use(csrfProtection(config.sessionSecret));
  api.use(authRoutes({ config, auth, onSignOut: (id) => endSessionSockets(io, id) }));
  api.use(professionalRoutes(models.Professional));
  api.use(teamRoutes(teams, lifecycle, config.publicUrl));
  api.use(invitationRoutes(invitations, teams, config.publicUrl));
  api.use(noteRoutes(notes));
  api.use(taskRoutes(tasks, teams));
  api.use(notificationRoutes(notifications));
  api.use(ledgerRoutes(ledger, config.publicUrl));
  api.use(chatRoutes(chat));
  api.use((_req, _res, next) => next(notFound()));
  app.use('/api', api);

  if (config.clientDist && existsSync(config.clientDist)) {
    const dist = config.clientDist;
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
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
      // 1. stop accepting connections; 2. close live sockets; 3. (later: flush note writes); 4. database.
      clearInterval(sweep);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      io.disconnectSockets(true);
      await io.close().catch(() => undefined);
      httpServer.closeAllConnections();
      await stopped;
      await registry.closeAll();
      await notes.flushActivity().catch(() => undefined);
      await email?.close();
      await closeRedis?.();
      await db.close();
    })());

  return {
    httpServer,
    io,
    services: {
      auth,
      teams,
      invitations,
      notes,
      contributions,
      notifications,
      tasks,
      notices,
      chat,
    },
    close,
  };
}

import type { Connection } from 'mongoose';
import { registerAuditModel } from './audit/model.js';
import { AuditLog } from './audit/service.js';
import { registerAuthModels, type AuthModels } from './auth/model.js';
import { AuthService } from './auth/service.js';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottlePolicy } from './auth/throttle.js';
import { registerChatModels } from './chat/model.js';
import { ChatService } from './chat/service.js';
import { ChatUnread } from './chat/unread.js';
import { CommandRunner, type CommandHooks } from './commands/command.js';
import type { Config } from './config.js';
import { registerContributionModel } from './contributions/model.js';
import { Contributions } from './contributions/service.js';
import { ensureIndexes } from './db/connection.js';
import { registerDocumentModels } from './documents/model.js';
import { DocumentService } from './documents/service.js';
import { FileStore } from './documents/storage.js';
import { InvitationCommands } from './invitations/commands.js';
import { registerInvitationModel } from './invitations/model.js';
import { InvitationService } from './invitations/service.js';
import { registerLedgerModels } from './ledger/model.js';
import { publishedKeys, StatementSigner } from './ledger/signing.js';
import { LedgerService } from './ledger/service.js';
import type { Logger } from './logger.js';
import { registerNoteModels } from './notes/model.js';
import { DocRegistry } from './notes/registry.js';
import { NoteService } from './notes/service.js';
import { NoteStore } from './notes/store.js';
import type { NoteBus } from './notes/bus.js';
import { NotePresence } from './notes/presence.js';
import { NoteSync } from './notes/sync.js';
import type { RedisLink } from './realtime/redis.js';
import { EmailSink } from './notifications/email.js';
import { LogMailer, NullMailer, SmtpMailer, type Mailer } from './notifications/mailer.js';
import { HttpSmsSender, LogSmsSender, NullSmsSender, type SmsSender } from './notifications/sms.js';
import { registerAccountModels } from './accounts/model.js';
import { invitationLinkMail } from './accounts/mails.js';
import { registerDirectoryModels } from './directory/model.js';
import { registerPscModels } from './psc/model.js';
import { ProSanteConnect } from './psc/service.js';
import { Directory, PhysicianCheck } from './directory/service.js';
import { InvitationAddressee, registerInvitationCodeModel } from './invitations/addressee.js';
import { AccountService } from './accounts/service.js';
import { registerNotificationModel } from './notifications/model.js';
import { TeamNotices } from './notifications/producers.js';
import { Notifications } from './notifications/service.js';
import { buildPush } from './notifications/push/index.js';
import { registerOutboxModel } from './outbox/model.js';
import { Outbox } from './outbox/service.js';
import type { AppServer } from './realtime/io.js';
import { registerCarePlanModel } from './careplan/model.js';
import { CarePlanService } from './careplan/service.js';
import { FhirExportService } from './fhir/service.js';
import { registerFileEntryModel } from './patientfile/model.js';
import { registerTeamEventModel } from './teamevents/model.js';
import { TeamEventService } from './teamevents/service.js';
import { registerPatientAccessModels } from './patientaccess/model.js';
import { PatientAccessService } from './patientaccess/service.js';
import { PatientFileService } from './patientfile/service.js';
import { registerTaskModel } from './tasks/model.js';
import { TaskService } from './tasks/service.js';
import { TeamCommands } from './teams/commands.js';
import { TeamHistory } from './teams/history.js';
import { TeamLive } from './teams/live.js';
import { registerTeamModels, type TeamModels } from './teams/model.js';
import { TeamService } from './teams/service.js';
import { AuditNames } from './audit/names.js';
import {
  NOTE_DOC_LABELS,
  noteAddressOf,
  noteRoom,
  type NoteDocName,
} from '../../shared/src/notes.js';

export interface ServiceDeps {
  config: Config;
  db: Connection;
  logger: Logger;
  io: AppServer;
  /** Notes between instances (a local no-op without Redis), and the Redis link if any. */
  bus: NoteBus;
  link?: RedisLink | undefined;
  now: () => Date;
  throttle?: ThrottlePolicy | undefined;
  hooks?: CommandHooks | undefined;
}

/**
 * The service graph, built once per app from plain parameters. Dependencies point one way:
 * the team commands need the command runner (transaction, audit, outbox); the team service
 * (the read side and the only way into team data) needs the commands for terms that ran out;
 * every other feature needs the team service; live events and notifications hang off the
 * outbox, registered last.
 */
export async function buildServices({
  config,
  db,
  logger,
  io,
  bus,
  link,
  now,
  throttle,
  hooks,
}: ServiceDeps) {
  const authModels: AuthModels = registerAuthModels(db);
  const teamModels: TeamModels = registerTeamModels(db);
  const Invitation = registerInvitationModel(db);
  const noteModels = registerNoteModels(db);
  const chatModels = registerChatModels(db);
  const Counter = registerContributionModel(db);
  const ledgerModels = registerLedgerModels(db);
  const Notification = registerNotificationModel(db);
  const Task = registerTaskModel(db);
  const FileEntry = registerFileEntryModel(db);
  const CarePlanVersion = registerCarePlanModel(db);
  const TeamEvent = registerTeamEventModel(db);
  const patientAccessModels = registerPatientAccessModels(db);
  const documentModels = registerDocumentModels(db);
  const files = new FileStore(db);
  const audit = new AuditLog(registerAuditModel(db), now);
  const outbox = new Outbox({ Entry: registerOutboxModel(db), logger, now });
  const accountModels = registerAccountModels(db);
  const InvitationCode = registerInvitationCodeModel(db);
  const directoryModels = registerDirectoryModels(db);
  const pscModels = registerPscModels(db);
  await ensureIndexes(db);
  await files.ensureIndexes();
  const { Professional } = authModels;

  const directory = new Directory({
    models: directoryModels,
    Professional,
    signUpMode: config.directory.signUp,
  });
  const physicians = new PhysicianCheck(directory);
  const auth = new AuthService({
    db,
    models: authModels,
    throttle: new LoginThrottle(authModels.LoginAttempt, throttle ?? DEFAULT_THROTTLE, () =>
      now().getTime(),
    ),
    sessionTtlMs: config.sessionTtlMs,
    now: () => now().getTime(),
    signUpCheck: directory,
  });
  // Notification e-mails only when an SMTP server is configured: otherwise nothing is sent,
  // nothing fails. Account mails (verification, reset, codes) without SMTP are written to the
  // log in development only (docs/identity.md, "E-mails").
  const mailer: Mailer = config.smtp
    ? new SmtpMailer(config.smtp, logger)
    : config.env === 'development'
      ? new LogMailer(logger)
      : new NullMailer();
  // The patient's SMS codes: through the gateway when configured, written to the log in
  // development only; elsewhere none is sent, and the SMS channel is refused (never a no-op).
  const sms: SmsSender = config.sms
    ? new HttpSmsSender(config.sms, logger)
    : config.env === 'development'
      ? new LogSmsSender(logger)
      : new NullSmsSender();
  const contributions = new Contributions(Counter, config.ledger.timeZone);
  const commands = new CommandRunner({ db, audit, outbox, now, hooks });
  const invitations = new InvitationService({ Invitation, Professional, now });
  const addressee = new InvitationAddressee({
    Code: InvitationCode,
    Invitation,
    mailer,
    secret: config.sessionSecret,
    now,
  });
  const invitationCommands = new InvitationCommands({
    models: teamModels,
    addressee,
    physicians,
    mailLink: (email, invitedBy, link) =>
      mailer.send('invitation.link', invitationLinkMail(email, invitedBy, link)),
    Invitation,
    Professional,
    commands,
    query: invitations,
    ttlMs: config.invitationTtlMs,
    now,
  });
  const teamCommands = new TeamCommands({
    models: teamModels,
    Professional,
    commands,
    invitations,
    invitationCommands,
    physicians,
    grid: config.grid,
  });
  const auditNames = new AuditNames();
  const teams = new TeamService({
    models: teamModels,
    Professional,
    Invitation,
    audit,
    auditNames,
    commands: teamCommands,
    grid: config.grid,
    invitationTtlDays: config.invitationTtlMs / (24 * 3600_000),
    smsAvailable: sms.delivers,
    unread: new ChatUnread(chatModels),
    now,
  });
  const notifications = new Notifications({
    Notification,
    Professional,
    teams,
    audit,
    io,
    logger,
    now,
  });
  if (config.smtp) notifications.addSink(new EmailSink(mailer, config.publicUrl, Professional));
  const push = buildPush({ db, config, notifications, logger, now });
  const psc = config.psc
    ? new ProSanteConnect({
        settings: config.psc,
        allowHttp: config.env !== 'production',
        db,
        models: pscModels,
        auth: authModels,
        authService: auth,
        logger,
        now,
      })
    : undefined;
  const accounts = new AccountService({
    db,
    auth: authModels,
    models: accountModels,
    mailer,
    logger,
    now,
  });
  const notices = new TeamNotices({ teams, notifications, now });
  const tasks = new TaskService({ Task, Professional, teams, commands, contributions, io, now });
  notifications.titleTasksWith((teamId, ids) => tasks.titles(teamId, ids));
  const noteStore = new NoteStore(noteModels, { lingerMs: config.notes.writeLingerMs });
  const late: { sync?: NoteSync } = {};
  const registry = new DocRegistry(noteStore, logger, {
    compactAfter: config.notes.compactAfter,
    idleMs: config.notes.idleUnloadMs,
    onLoaded: (live) => late.sync?.loaded(live),
    memoryBudgetBytes: config.notes.memoryBudgetMb && config.notes.memoryBudgetMb * 1024 * 1024,
  });
  const presence = new NotePresence();
  const noteSync = new NoteSync({ io, registry, store: noteStore, bus, presence, logger, link });
  late.sync = noteSync;
  const notes = new NoteService({
    models: noteModels,
    Professional,
    teams,
    registry,
    store: noteStore,
    limits: config.notes,
    contributions,
    hooks,
    now,
  });
  // Through the adapter: the members on every instance read the note's history again.
  notes.onHistoryChanged((docId, part) => {
    const address = noteAddressOf(docId);
    if (address) io.to(noteRoom(address)).emit('note:history', { ...address, part });
  });
  const documents = new DocumentService({
    models: documentModels,
    files,
    Professional,
    teams,
    commands,
    contributions,
    io,
    logger,
    settings: config.documents,
    now,
  });
  const patientFile = new PatientFileService({ FileEntry, Professional, teams, commands, io });
  const carePlan = new CarePlanService({
    CarePlanVersion,
    Professional,
    teams,
    tasks,
    commands,
    io,
  });
  const teamEvents = new TeamEventService({
    TeamEvent,
    Professional,
    teams,
    documents,
    carePlan,
    commands,
    io,
  });
  const patientAccess = new PatientAccessService({
    models: patientAccessModels,
    Professional,
    teams,
    carePlan,
    commands,
    audit,
    mailer,
    sms,
    secret: config.sessionSecret,
    publicUrl: config.publicUrl,
    now,
  });
  const chat = new ChatService({
    models: chatModels,
    Professional,
    teams,
    io,
    notifications,
    contributions,
    attachments: documents,
    logger,
    now,
  });
  chat.onStored((m) => push.sink.messageSent(m));
  const signer = new StatementSigner(config.statements.signingSeed);
  if (!config.statements.signingSeed)
    logger.warn(
      'STATEMENT_SIGNING_KEY not set: statements are signed with a key for this start only, and no longer verify offline after a restart',
    );
  const statementKeys = publishedKeys(signer, config.statements.previousKeys);
  const ledger = new LedgerService({
    signer,
    history: new TeamHistory(teamModels),
    Counter,
    Professional,
    ledger: ledgerModels,
    settings: config.ledger,
    settleEndedTerms: (ids) => teams.settleEndedTerms(ids),
    now,
  });

  // The journal names what its rows are about; each feature names its own.
  teams.countTasksWith((ids) => tasks.countsByTeam(ids));
  teams.nameGrantsWith((teamId, ids) => patientAccess.grantLabels(teamId, ids));
  auditNames.register('invitation', (teamId, ids) => teams.invitationNames(teamId, ids));
  auditNames.register('task', (teamId, ids) => tasks.auditNames(teamId, ids));
  auditNames.register('document', (teamId, ids) => documents.auditNames(teamId, ids));
  auditNames.register('version', (teamId, ids) => notes.auditNames(teamId, ids));
  auditNames.register('entry', (teamId, ids) => patientFile.auditNames(teamId, ids));
  auditNames.register('event', (teamId, ids) => teamEvents.auditNames(teamId, ids));
  auditNames.registerFixed('plan', (v) => `Projet personnalisé de soins, version ${v.slice(1)}`);
  auditNames.registerFixed('note', (doc) => NOTE_DOC_LABELS[doc as NoteDocName] ?? 'Notes');
  auditNames.registerFixed('message', () => 'Un message');

  new TeamLive(io).handleEffects(outbox);
  invitations.handleEffects(outbox, io);
  notifications.handleEffects(outbox);
  tasks.handleEffects(outbox);
  patientFile.handleEffects(outbox);
  carePlan.handleEffects(outbox);
  teamEvents.handleEffects(outbox);
  documents.handleEffects(outbox);

  return {
    statementKeys,
    authModels,
    teamModels,
    outbox,
    mailer,
    sms,
    accounts,
    addressee,
    psc,
    directory,
    directoryModels,
    registry,
    presence,
    noteSync,
    auth,
    teams,
    teamCommands,
    invitations,
    invitationCommands,
    notes,
    contributions,
    notifications,
    push,
    notices,
    tasks,
    patientFile,
    carePlan,
    teamEvents,
    patientAccess,
    chat,
    documents,
    ledger,
    // The FHIR export reads these records itself: one export, one audit row (docs/fhir.md).
    fhir: new FhirExportService({
      teams,
      Professional,
      CarePlanVersion,
      Task,
      Message: chatModels.Message,
      Document: documentModels.Document,
      Membership: teamModels.Membership,
      now,
    }),
  };
}

export type Services = Awaited<ReturnType<typeof buildServices>>;

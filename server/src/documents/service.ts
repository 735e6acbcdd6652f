import type { Readable } from 'node:stream';
import { Types, type Model } from 'mongoose';
import {
  DOCUMENT_LIMITS,
  isImageMime,
  uploadFieldsSchema,
  type DocumentKind,
  type DocumentView,
  type MessageAttachment,
} from '../../../shared/src/documents.js';
import { calendarDay } from '../../../shared/src/tasks.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { CommandRunner } from '../commands/command.js';
import type { Config } from '../config.js';
import type { Contributions } from '../contributions/service.js';
import { isDuplicateKey } from '../db/errors.js';
import type { Session } from '../db/transaction.js';
import { AppError, notFound } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { safeError, type Logger } from '../logger.js';
import type { Outbox } from '../outbox/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import { parseObjectId, type MemberContext } from '../teams/access.js';
import { allowed, authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import { ClamScanner } from './clamav.js';
import type { FormFile } from './form.js';
import type { DocumentDoc, DocumentModels } from './model.js';
import { receive, type Received } from './receive.js';
import { tooLarge } from './sniff.js';
import type { FileStore } from './storage.js';

export interface DocumentDeps {
  models: DocumentModels;
  files: FileStore;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  commands: CommandRunner;
  contributions: Contributions;
  io: AppServer;
  logger: Logger;
  settings: Config['documents'];
  now: () => Date;
}

/** What a route streams out: the bytes and how to present them. */
export interface Served {
  stream: Readable;
  mime: string;
  size: number;
  fileName: string;
  /** PDFs always; images only when asked (`?download=1`). */
  attachment: boolean;
}

/** An upload whose process died is swept once older than this (uploads never take longer). */
const ABANDONED_AFTER_MS = 6 * 3600_000;

/**
 * Documents of a team's patient file (docs/documents.md). Reads take the acting member's
 * context (404 for anyone else, on every route); every view and download is audited. Adding and
 * removing are commands: the document row, the team's usage counter (the quota, race-safe),
 * the audit row, the author's contribution and the live event commit together; the bytes are
 * streamed into GridFS before the command, `pending` until it commits and deleted if it fails.
 */
export class DocumentService {
  private readonly scanner: ClamScanner | undefined;

  constructor(private readonly deps: DocumentDeps) {
    this.scanner = deps.settings.clamav ? new ClamScanner(deps.settings.clamav) : undefined;
  }

  /** Names of documents in the audit journal (audit/names.ts), read by the team's members. */
  async auditNames(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.deps.models.Document.find({ _id: { $in: ids }, teamId }).lean();
    return new Map(docs.map((d) => [String(d._id), `Document « ${d.title} »`]));
  }

  /** Refuses early, before a byte of the file is read: a closed team, a quota already full. */
  async precheck(ctx: MemberContext, declaredBytes: number): Promise<void> {
    authorize(ctx, 'document.add');
    const usage = await this.deps.models.Usage.findOne({ teamId: ctx.team._id }).lean();
    if (usage && usage.bytes >= this.deps.settings.teamQuotaBytes)
      throw new AppError('quota_exceeded');
    // The declared length includes the form around the file: only a clear excess is refused.
    if (declaredBytes > this.deps.settings.maxBytes + 64 * 1024)
      throw tooLarge(this.deps.settings.maxBytes);
  }

  /** One upload (form fields, then the file): the document, and whether this call created it. */
  async add(
    ctx: MemberContext,
    rawFields: Record<string, string>,
    file: FormFile,
  ): Promise<{ document: DocumentView; created: boolean }> {
    const fields = parse(uploadFieldsSchema, rawFields);
    const { Document } = this.deps.models;
    const key = { teamId: ctx.team._id, authorId: ctx.actorId, clientId: fields.clientId };
    // A retry of an upload that was stored (its answer was lost): the bytes are dropped.
    const known = await Document.findOne(key).lean<DocumentDoc>();
    if (known) {
      file.stream.resume();
      return { document: (await this.views([known]))[0]!, created: false };
    }
    const received = await receive(file, ctx.team._id, {
      files: this.deps.files,
      settings: this.deps.settings,
      scanner: this.scanner,
      quarantined: (fileId, signature) => this.quarantined(ctx, fileId, signature),
    });
    const ids = [received.main.id, ...(received.thumbnail ? [received.thumbnail.id] : [])];
    let outcome: { doc: DocumentDoc; created: boolean };
    try {
      outcome = await this.file(ctx, fields, received);
    } catch (err) {
      await this.deps.files.delete(ids).catch(() => undefined);
      if (isDuplicateKey(err)) {
        const winner = await Document.findOne(key).lean<DocumentDoc>();
        if (winner) return { document: (await this.views([winner]))[0]!, created: false };
      }
      throw err;
    }
    if (!outcome.created) await this.deps.files.delete(ids).catch(() => undefined);
    return { document: (await this.views([outcome.doc]))[0]!, created: outcome.created };
  }

  /** The command that files received bytes as a document of the team. */
  private file(
    ctx: MemberContext,
    fields: ReturnType<typeof uploadFieldsSchema.parse>,
    received: Received,
  ): Promise<{ doc: DocumentDoc; created: boolean }> {
    const { Document, Usage } = this.deps.models;
    return this.deps.commands.run('document.add', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'document.add');
      const teamId = fresh.team._id;
      const same = await Document.findOne({
        teamId,
        authorId: fresh.actorId,
        clientId: fields.clientId,
      })
        .session(scope.session)
        .lean<DocumentDoc>();
      if (same) return { doc: same, created: false };

      const bytes = received.main.length + (received.thumbnail?.length ?? 0);
      await Usage.updateOne(
        { teamId },
        { $setOnInsert: { bytes: 0, count: 0 } },
        { upsert: true, session: scope.session },
      );
      const quota = this.deps.settings.teamQuotaBytes;
      const within = await Usage.updateOne(
        { teamId, bytes: { $lte: quota - bytes } },
        { $inc: { bytes, count: 1 } },
        { session: scope.session },
      );
      if (within.matchedCount !== 1) throw new AppError('quota_exceeded');

      const image = isImageMime(received.mime);
      const [created] = await Document.create(
        [
          {
            teamId,
            authorId: fresh.actorId,
            clientId: fields.clientId,
            title: fields.title || received.fileName,
            kind: fields.kind ?? (image ? 'photo' : 'autre'),
            date: fields.date ?? calendarDay(scope.now),
            fileName: received.fileName,
            mime: received.mime,
            fileId: received.main.id,
            size: received.main.length,
            thumbnailId: received.thumbnail?.id ?? null,
            thumbnailSize: received.thumbnail?.length ?? 0,
            width: received.width,
            height: received.height,
            createdAt: scope.now,
            removedAt: null,
            removedBy: null,
          },
        ],
        { session: scope.session },
      );
      const doc = created!.toObject<DocumentDoc>();
      const ids = [received.main.id, ...(received.thumbnail ? [received.thumbnail.id] : [])];
      scope.audit({
        teamId,
        actorId: fresh.actorId,
        action: 'document.add',
        detail: `document:${String(doc._id)}`,
      });
      await this.deps.contributions.recordInScope(scope.session, {
        teamId,
        professionalId: fresh.actorId,
        kind: 'document',
        at: scope.now,
      });
      scope.emit(
        { kind: 'document.stored', fileIds: ids.map(String) },
        { kind: 'document.changed', teamId: String(teamId), documentId: String(doc._id) },
      );
      return { doc, created: true };
    });
  }

  /** The team's documents, newest day first; reading the list is audited. */
  async list(ctx: MemberContext, kind?: DocumentKind): Promise<DocumentView[]> {
    const docs = await this.deps.models.Document.find({
      teamId: ctx.team._id,
      removedAt: null,
      ...(kind ? { kind } : {}),
    })
      .sort({ date: -1, createdAt: -1 })
      .lean<DocumentDoc[]>();
    await this.deps.teams.audit(ctx, 'document.list');
    return this.views(docs);
  }

  /**
   * A document's bytes for a member: the file (images inline, re-encoded; PDFs as a download)
   * or an image's thumbnail. The view or download is audited before a byte goes out.
   */
  async serve(
    ctx: MemberContext,
    documentId: string,
    variant: 'file' | 'thumbnail',
    download: boolean,
  ): Promise<Served> {
    const doc = await this.findLive(ctx, documentId);
    const fileId = variant === 'file' ? doc.fileId : doc.thumbnailId;
    if (!fileId) throw notFound();
    const attachment = variant === 'file' && (download || !isImageMime(doc.mime));
    await this.deps.teams.audit(
      ctx,
      attachment ? 'document.download' : 'document.view',
      `document:${String(doc._id)}${variant === 'thumbnail' ? ':thumbnail' : ''}`,
    );
    return {
      stream: this.deps.files.open(fileId),
      mime: variant === 'file' ? doc.mime : 'image/webp',
      size: variant === 'file' ? doc.size : doc.thumbnailSize,
      fileName: doc.fileName,
      attachment,
    };
  }

  /**
   * Removal, by its author or a manager, on a writable team: the row stays (messages say
   * "pièce jointe retirée"), the bytes are purged after the commit (outbox), the usage goes
   * down, and the removal is audited.
   */
  async remove(ctx: MemberContext, documentId: string): Promise<void> {
    const { Document, Usage } = this.deps.models;
    await this.deps.commands.run('document.remove', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'document.remove');
      const doc = await this.findLive(fresh, documentId, scope.session);
      if (!doc.authorId.equals(fresh.actorId) && !allowed(fresh, 'document.remove.any'))
        throw new AppError('not_document_author');
      const res = await Document.updateOne(
        { _id: doc._id, removedAt: null },
        { $set: { removedAt: scope.now, removedBy: fresh.actorId } },
        { session: scope.session },
      );
      if (res.modifiedCount !== 1) throw notFound();
      await Usage.updateOne(
        { teamId: fresh.team._id },
        { $inc: { bytes: -(doc.size + (doc.thumbnailSize ?? 0)), count: -1 } },
        { session: scope.session },
      );
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'document.remove',
        detail: `document:${String(doc._id)}`,
      });
      const teamId = String(fresh.team._id);
      scope.emit(
        { kind: 'document.removed', teamId, documentId: String(doc._id) },
        {
          kind: 'document.purge',
          fileIds: [doc.fileId, ...(doc.thumbnailId ? [doc.thumbnailId] : [])].map(String),
        },
      );
    });
  }

  /**
   * For a message: the documents it attaches, each a live document of the same team (else
   * `attachment_invalid`), in the order given, without repeats.
   */
  async attachable(ctx: MemberContext, ids: string[]): Promise<DocumentView[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    if (unique.length > DOCUMENT_LIMITS.perMessage) throw new AppError('attachment_invalid');
    const docs = await this.deps.models.Document.find({
      _id: { $in: unique.map((id) => new Types.ObjectId(id)) },
      teamId: ctx.team._id,
      removedAt: null,
    }).lean<DocumentDoc[]>();
    if (docs.length !== unique.length) throw new AppError('attachment_invalid');
    const views = new Map((await this.views(docs)).map((v) => [v.id, v]));
    return unique.map((id) => views.get(id)!);
  }

  /** Attachments of stored messages as they are now (removed ones: `document: null`). */
  async attachments(
    teamId: Types.ObjectId,
    ids: Types.ObjectId[],
  ): Promise<Map<string, MessageAttachment>> {
    const out = new Map<string, MessageAttachment>();
    if (ids.length === 0) return out;
    const docs = await this.deps.models.Document.find({
      _id: { $in: ids },
      teamId,
    }).lean<DocumentDoc[]>();
    const live = await this.views(docs.filter((d) => d.removedAt == null));
    for (const id of ids) out.set(String(id), { id: String(id), document: null });
    for (const view of live) out.set(view.id, { id: view.id, document: view });
    return out;
  }

  /** Live side: every member's list and conversation follow; removed bytes are purged. */
  handleEffects(outbox: Outbox): void {
    outbox.on('document.changed', async ({ teamId, documentId }) => {
      const doc = await this.deps.models.Document.findById(documentId).lean<DocumentDoc>();
      if (!doc || doc.removedAt) return; // removed since: its own event follows
      const [view] = await this.views([doc]);
      this.deps.io.to(rooms.team(teamId)).emit('document:changed', { teamId, document: view! });
    });
    outbox.on('document.removed', ({ teamId, documentId }) => {
      this.deps.io.to(rooms.team(teamId)).emit('document:changed', {
        teamId,
        removedId: documentId,
      });
    });
    outbox.on('document.stored', async ({ fileIds }) => {
      await this.deps.files.markStored(fileIds.map((id) => new Types.ObjectId(id)));
    });
    outbox.on('document.purge', async ({ fileIds }) => {
      await this.deps.files.delete(fileIds.map((id) => new Types.ObjectId(id)));
    });
  }

  /** Deletes what uploads of dead processes left behind (at start-up, then every hour). */
  async sweep(): Promise<void> {
    const before = new Date(this.deps.now().getTime() - ABANDONED_AFTER_MS);
    const swept = await this.deps.files.sweep(before, async (ids) => {
      const docs = await this.deps.models.Document.find({
        $or: [{ fileId: { $in: ids } }, { thumbnailId: { $in: ids } }],
      }).lean<DocumentDoc[]>();
      return new Set(docs.flatMap((d) => [String(d.fileId), String(d.thumbnailId)]));
    });
    if (swept > 0) this.deps.logger.info({ files: swept }, 'abandoned uploads deleted');
  }

  /** The scan flagged an upload: kept in quarantine, audited (ids only), logged for admins. */
  private async quarantined(
    ctx: MemberContext,
    fileId: Types.ObjectId,
    signature: string,
  ): Promise<void> {
    this.deps.logger.warn(
      { teamId: String(ctx.team._id), fileId: String(fileId), signature },
      'upload flagged by the virus scan: quarantined',
    );
    await this.deps.teams
      .audit(ctx, 'document.quarantine', `file:${String(fileId)}`)
      .catch((err: unknown) => this.deps.logger.error({ err: safeError(err) }, 'audit failed'));
  }

  private async findLive(
    ctx: MemberContext,
    documentId: string,
    session?: Session,
  ): Promise<DocumentDoc> {
    const id = parseObjectId(documentId);
    const doc = id
      ? await this.deps.models.Document.findOne({ _id: id, teamId: ctx.team._id, removedAt: null })
          .session(session ?? null)
          .lean<DocumentDoc>()
      : null;
    if (!doc) throw notFound();
    return doc;
  }

  private async views(docs: DocumentDoc[]): Promise<DocumentView[]> {
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.authorId),
    );
    return docs.map((d) => ({
      id: String(d._id),
      teamId: String(d.teamId),
      title: d.title,
      kind: d.kind,
      date: d.date,
      fileName: d.fileName,
      mime: d.mime,
      size: d.size,
      width: d.width ?? null,
      height: d.height ?? null,
      hasThumbnail: d.thumbnailId != null,
      addedBy: ref(d.authorId),
      addedAt: d.createdAt.toISOString(),
    }));
  }
}

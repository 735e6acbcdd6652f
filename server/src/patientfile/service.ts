import type { Model, Types } from 'mongoose';
import { z } from 'zod';
import {
  FILE_FIELDS,
  FILE_LIMITS,
  FILE_PART_LABELS,
  FILE_PARTS,
  type AddFileEntry,
  type FileEntryView,
  type UpdateFileEntry,
} from '../../../shared/src/patient-file.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { AuditAction } from '../audit/service.js';
import type { CommandRunner, CommandScope } from '../commands/command.js';
import { AppError, notFound } from '../http/errors.js';
import { parse } from '../http/validate.js';
import type { Outbox } from '../outbox/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import { parseObjectId, type MemberContext } from '../teams/access.js';
import { authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { FileEntryDoc } from './model.js';

export interface PatientFileDeps {
  FileEntry: Model<FileEntryDoc>;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  commands: CommandRunner;
  io: AppServer;
}

/**
 * The structured patient file (docs/patient-file.md). Reads take the acting member's context
 * (teams/context.ts: 404 for anyone else) and are audited. Each change is a command: in one
 * transaction, the team locked, the member's context read again and asked of the policy
 * (`file.write`: a member of a writable team), the write (a compare-and-set on the entry's
 * version for edits and removals), its audit row (the entry id only); the live `file:changed`
 * to the team room leaves through the outbox after the commit.
 */
export class PatientFileService {
  constructor(private readonly deps: PatientFileDeps) {}

  /** Names of file entries in the audit journal (audit/names.ts): the part, not the content. */
  async auditNames(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.deps.FileEntry.find({ _id: { $in: ids }, teamId })
      .select({ part: 1 })
      .lean<Pick<FileEntryDoc, '_id' | 'part'>[]>();
    return new Map(docs.map((d) => [String(d._id), `Dossier — ${FILE_PART_LABELS[d.part]}`]));
  }

  /** Every entry of the file, part by part in the order of `FILE_PARTS`, oldest first. */
  async list(ctx: MemberContext): Promise<FileEntryView[]> {
    const docs = await this.deps.FileEntry.find({ teamId: ctx.team._id })
      .sort({ createdAt: 1, _id: 1 })
      .lean<FileEntryDoc[]>();
    await this.deps.teams.audit(ctx, 'file.read');
    const order = (d: FileEntryDoc) => FILE_PARTS.indexOf(d.part);
    return this.views(docs.sort((a, b) => order(a) - order(b)));
  }

  async add(ctx: MemberContext, input: AddFileEntry): Promise<FileEntryView> {
    const doc = await this.command(ctx, 'file.add', async (scope, fresh) => {
      const count = await this.deps.FileEntry.countDocuments({
        teamId: fresh.team._id,
        part: input.part,
      }).session(scope.session);
      if (count >= FILE_LIMITS.entriesPerPart) throw new AppError('file_part_full');
      const [created] = await this.deps.FileEntry.create(
        [
          {
            teamId: fresh.team._id,
            part: input.part,
            fields: withoutUndefined(input.fields),
            createdBy: fresh.actorId,
            createdAt: scope.now,
            updatedBy: fresh.actorId,
            updatedAt: scope.now,
            version: 0,
          },
        ],
        { session: scope.session },
      );
      return created!.toObject<FileEntryDoc>();
    });
    return (await this.views([doc]))[0]!;
  }

  async update(
    ctx: MemberContext,
    entryId: string,
    input: UpdateFileEntry,
  ): Promise<FileEntryView> {
    const doc = await this.command(ctx, 'file.update', async (scope, fresh) => {
      const before = await this.find(scope, fresh, entryId);
      // The part is the entry's, never the request's: its schema checks the new fields.
      const fields = parseFields(before.part, input.fields);
      const after = await this.deps.FileEntry.findOneAndUpdate(
        { _id: before._id, version: input.version },
        {
          $set: { fields, updatedBy: fresh.actorId, updatedAt: scope.now },
          $inc: { version: 1 },
        },
        { returnDocument: 'after', session: scope.session },
      ).lean<FileEntryDoc>();
      if (!after) throw new AppError('file_conflict');
      return after;
    });
    return (await this.views([doc]))[0]!;
  }

  async remove(ctx: MemberContext, entryId: string, version: number): Promise<void> {
    await this.deps.commands.run('file.remove', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'file.write');
      const entry = await this.find(scope, fresh, entryId);
      const res = await this.deps.FileEntry.deleteOne(
        { _id: entry._id, version },
        { session: scope.session },
      );
      if (res.deletedCount !== 1) throw new AppError('file_conflict');
      scope.audit(auditOf(fresh, 'file.remove', entry._id));
      scope.emit({
        kind: 'file.removed',
        teamId: String(fresh.team._id),
        entryId: String(entry._id),
      });
    });
  }

  /** The live side, delivered from the outbox after each commit, to the team room only. */
  handleEffects(outbox: Outbox): void {
    outbox.on('file.changed', async ({ teamId, entryId }) => {
      const entry = await this.deps.FileEntry.findById(entryId).lean<FileEntryDoc>();
      // Removed since: its own event follows.
      if (!entry) return;
      const [view] = await this.views([entry]);
      this.deps.io.to(rooms.team(teamId)).emit('file:changed', { teamId, entry: view! });
    });
    outbox.on('file.removed', ({ teamId, entryId }) => {
      this.deps.io.to(rooms.team(teamId)).emit('file:changed', { teamId, deletedId: entryId });
    });
  }

  private command(
    ctx: MemberContext,
    action: AuditAction,
    change: (scope: CommandScope, fresh: MemberContext) => Promise<FileEntryDoc>,
  ): Promise<FileEntryDoc> {
    return this.deps.commands.run(action, async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'file.write');
      const entry = await change(scope, fresh);
      scope.audit(auditOf(fresh, action, entry._id));
      scope.emit({
        kind: 'file.changed',
        teamId: String(fresh.team._id),
        entryId: String(entry._id),
      });
      return entry;
    });
  }

  private async find(scope: CommandScope, ctx: MemberContext, entryId: string) {
    const id = parseObjectId(entryId);
    const entry = id
      ? await this.deps.FileEntry.findOne({ _id: id, teamId: ctx.team._id })
          .session(scope.session)
          .lean<FileEntryDoc>()
      : null;
    if (!entry) throw notFound();
    return entry;
  }

  private async views(docs: FileEntryDoc[]): Promise<FileEntryView[]> {
    const ref = await loadRefs(
      this.deps.Professional,
      docs.flatMap((d) => [d.createdBy, d.updatedBy]),
    );
    return docs.map((d) => ({
      id: String(d._id),
      teamId: String(d.teamId),
      part: d.part,
      fields: d.fields as Record<string, string | boolean>,
      createdBy: ref(d.createdBy),
      createdAt: d.createdAt.toISOString(),
      updatedBy: ref(d.updatedBy),
      updatedAt: d.updatedAt.toISOString(),
      version: d.version,
    }));
  }
}

/** An edit's fields, checked by the schema of the entry's part (400 with the field's path). */
function parseFields(part: FileEntryDoc['part'], fields: unknown): Record<string, unknown> {
  const parsed = parse(z.strictObject({ fields: FILE_FIELDS[part] }), { fields });
  return withoutUndefined(parsed.fields);
}

/** Absent optional fields are left out of the stored document. */
function withoutUndefined(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const auditOf = (ctx: MemberContext, action: AuditAction, entryId: Types.ObjectId) => ({
  teamId: ctx.team._id,
  actorId: ctx.actorId,
  action,
  // `entry:`, not `file:` (a document's stored file, audit/names.ts).
  detail: `entry:${String(entryId)}`,
});

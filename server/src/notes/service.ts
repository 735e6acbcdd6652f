import { Types, type Model } from 'mongoose';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { noteDocId, type NoteAddress } from '../../../shared/src/notes.js';
import {
  EDITING_SESSION_GAP_MS,
  continuesSession,
  type EditingSession,
} from '../../../shared/src/rules/editing-session.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type {
  NoteActivityView,
  NoteVersionStateView,
  NoteVersionView,
} from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { CommandHooks } from '../commands/command.js';
import type { ContributionInput, Contributions } from '../contributions/service.js';
import { AppError, notFound } from '../http/errors.js';
import { parseObjectId, type MemberContext } from '../teams/access.js';
import { denial } from '../../../shared/src/rules/policy.js';
import { authorize, subjectOf } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { NoteModels } from './model.js';
import type { DocRegistry, LiveDoc } from './registry.js';
import { toBytes, type NoteStore } from './store.js';
import { applyAndDescribe, checkUpdate, type UpdateEffect } from './validate.js';

export interface NoteLimits {
  maxUpdateBytes: number;
  maxDocBytes: number;
}

export interface NoteServiceDeps {
  /** Test seams (a store held back while another instance loads the note). */
  hooks?: CommandHooks | undefined;
  models: NoteModels;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  registry: DocRegistry;
  store: NoteStore;
  limits: NoteLimits;
  /** Each new editing session (a new activity row) is one contribution of its author. */
  contributions: Contributions;
  now: () => Date;
}

/** Why a note is read-only, if it is: the code sent with refused updates. */
export type ReadOnlyReason = 'team_closed' | 'read_only' | undefined;

const ACTIVITY_TEXT_MAX = 280;
const ACTIVITY_FLUSH_MS = 2_000;

/** The row an author's next edits of a document extend, while the session goes on. */
interface OpenActivityRow {
  id: Types.ObjectId;
  startedAt: Date;
  lastAt: Date;
  inserted: string;
}

const activityKey = (e: { docId: string; authorId: Types.ObjectId }) =>
  `${e.docId}|${String(e.authorId)}`;

interface PendingActivity {
  docId: string;
  teamId: Types.ObjectId;
  authorId: Types.ObjectId;
  at: Date;
  lastAt: Date;
  edits: number;
  inserted: string;
  deleted: number;
}

/**
 * Shared care notes. Access goes through `TeamService.member` (404 for non-members); the
 * socket layer keeps the result per socket and document, and removal or closure takes the
 * socket out of the note's room, which ends its right to write at once.
 */
export class NoteService {
  private readonly now: () => Date;
  /**
   * Activity gathered since the last write, per document and author: usually one entry, two
   * when the gathering straddles a session's end (a year boundary).
   */
  private readonly pendingActivity = new Map<string, PendingActivity[]>();
  private activityTimer: NodeJS.Timeout | undefined;
  private activityWrites: Promise<void> = Promise.resolve();
  /** Per document and author, the activity row written last (see `writeActivity`). */
  private readonly openRows = new Map<string, OpenActivityRow>();
  private readonly historyListeners: ((docId: string, part: 'activity' | 'versions') => void)[] =
    [];
  constructor(private readonly deps: NoteServiceDeps) {
    this.now = deps.now;
  }
  /** Names of note versions in the audit journal (audit/names.ts). */
  async auditNames(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.deps.models.NoteVersion.find({ _id: { $in: ids }, teamId })
      .select({ name: 1 })
      .lean();
    return new Map(docs.map((d) => [String(d._id), `Version « ${d.name} »`]));
  }

  /** Sessions are cut where the contribution counters cut years. */
  private get timeZone(): string {
    return this.deps.contributions.timeZone;
  }

  /** What a client with this state vector lacks (sync step 2's content). */
  private missingFor(live: LiveDoc, clientVector: Uint8Array): Uint8Array {
    // An empty vector (a single 0: no client) asks for everything: served from the cache.
    if (clientVector.byteLength === 1 && clientVector[0] === 0) {
      return (live.fullState ??= Y.encodeStateAsUpdate(live.doc));
    }
    return Y.encodeStateAsUpdate(live.doc, clientVector);
  }

  /**
   * Opens a document for a member (404 for anyone else): the live copy, loaded once for every
   * socket. The opening is audited; the sync answer comes after the socket is in the room
   * (`syncReply`), so no edit falls between the two.
   */
  async open(actor: Professional, address: NoteAddress): Promise<LiveDoc> {
    const ctx = await this.deps.teams.member(actor, address.teamId);
    const live = await this.deps.registry.get(noteDocId(address), ctx.team._id);
    await this.deps.teams.audit(ctx, 'note.open', `note:${address.doc}`);
    return live;
  }

  /** The state vector in a client's sync step 1; a malformed one is refused. */
  readStep1(clientStep1: Uint8Array): Uint8Array {
    try {
      const decoder = decoding.createDecoder(clientStep1);
      if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep1)
        throw new Error('not step 1');
      return decoding.readVarUint8Array(decoder);
    } catch {
      throw new AppError('invalid_update');
    }
  }

  /** The server's sync step 2 (what a client with this state vector lacks) and its own step 1. */
  syncReply(live: LiveDoc, clientVector: Uint8Array): Uint8Array[] {
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(step2, this.missingFor(live, clientVector));
    const step1 = encoding.createEncoder();
    syncProtocol.writeSyncStep1(step1, live.doc);
    return [encoding.toUint8Array(step2), encoding.toUint8Array(step1)];
  }

  /**
   * Applies a member's edit to the shared document. Returns once it is checked and applied
   * (the caller broadcasts it then); `stored` settles when it is in the database, which is
   * when the author gets the acknowledgement.
   */
  apply(live: LiveDoc, update: Uint8Array, origin: unknown): UpdateEffect {
    checkUpdate(live.doc, update, this.deps.limits.maxUpdateBytes);
    if (live.bytes + update.byteLength > this.deps.limits.maxDocBytes)
      throw new AppError('document_too_large');
    let effect: UpdateEffect;
    try {
      effect = applyAndDescribe(live.doc, update, origin);
    } catch {
      // Yjs may have integrated part of it: the in-memory state can no longer be trusted.
      this.deps.registry.evict(live.id);
      throw new AppError('invalid_update');
    }
    // Counted when applied, not when stored: edits sent without waiting for their
    // acknowledgement are stored together (group commit), so counting at the store let a burst
    // pass the check against the same old size and push the document far past its limit.
    if (effect.changed) live.bytes += update.byteLength;
    return effect;
  }

  /** Settles once every write of this document queued so far is in the database. */
  flushed(live: LiveDoc): Promise<void> {
    return this.deps.store.flush(live.id);
  }

  /** Stores an edit; answers the instant it was stored at (the edit's time in its activity). */
  async store(live: LiveDoc, update: Uint8Array, author: Professional): Promise<Date> {
    const at = this.now();
    const authorId = new Types.ObjectId(author.id);
    await this.deps.hooks?.checkpoint?.('note.store');
    try {
      await this.deps.store.store(live.id, { update, authorId, teamId: live.teamId, at });
    } catch (err) {
      this.deps.registry.evict(live.id);
      throw err;
    }
    this.deps.registry.stored(live);
    return at;
  }

  /**
   * Whether the professional may still open the note, and why it is read-only if it is (404 if
   * not a member), with the member context read for it (the socket keeps it for the audit).
   */
  async access(
    actor: Professional,
    address: NoteAddress,
  ): Promise<{ readOnly: ReadOnlyReason; ctx: MemberContext }> {
    const ctx = await this.deps.teams.member(actor, address.teamId);
    return { readOnly: readOnlyReason(ctx), ctx };
  }

  /**
   * Edits are audited per author and document at most every few minutes, not per keystroke,
   * with the context the socket read when it joined (or at its last re-check): the socket can
   * edit only while it is in the note's room, which every revocation empties, so it is a
   * member's; reading it again per audited edit cost two queries per socket.
   */
  async auditEdit(ctx: MemberContext, address: NoteAddress): Promise<void> {
    await this.deps.teams.audit(ctx, 'note.edit', `note:${address.doc}`);
  }

  /**
   * Counts an edit in its author's activity. Edits are gathered in memory and written every
   * couple of seconds (and before activity is read, and at shutdown): one edit costs no
   * database round trip of its own, and the rows of one author are written one at a time, so
   * a burst cannot interleave them. The edit itself is stored before its acknowledgement; only
   * the last seconds of this summary can be lost in a crash. `at` is the edit's time (when it
   * was stored), so the edit and its contribution fall in the same year.
   */
  recordActivity(
    live: LiveDoc,
    effect: UpdateEffect,
    author: Professional,
    at: Date = this.now(),
  ): Promise<void> {
    // A sync that brought nothing new (a newcomer's, a repeat) is nobody's edit.
    if (!effect.changed) return Promise.resolve();
    const key = `${live.id}|${author.id}`;
    const entries = this.pendingActivity.get(key) ?? [];
    this.pendingActivity.set(key, entries);
    const entry = entries.at(-1);
    // Gathered edits follow the session rule too: a gathering that straddles midnight of a
    // new year holds that year's first session apart (see `continuesSession`).
    if (entry && continuesSession(sessionOf(entry), at, this.timeZone)) {
      entry.lastAt = at;
      entry.edits += 1;
      entry.inserted = (entry.inserted + effect.inserted).slice(0, ACTIVITY_TEXT_MAX);
      entry.deleted += effect.deleted;
    } else {
      entries.push({
        docId: live.id,
        teamId: live.teamId,
        authorId: new Types.ObjectId(author.id),
        at,
        lastAt: at,
        edits: 1,
        inserted: effect.inserted.slice(0, ACTIVITY_TEXT_MAX),
        deleted: effect.deleted,
      });
    }
    if (!this.activityTimer) {
      this.activityTimer = setTimeout(
        () => void this.flushActivity().catch(() => undefined),
        ACTIVITY_FLUSH_MS,
      );
      this.activityTimer.unref();
    }
    return Promise.resolve();
  }

  /**
   * Set at wiring: told when a document's activity rows or versions were stored, so the pages
   * showing them read them again (`note:history`; docs/notes.md, "History").
   */
  onHistoryChanged(listener: (docId: string, part: 'activity' | 'versions') => void): void {
    this.historyListeners.push(listener);
  }

  private historyChanged(docId: string, part: 'activity' | 'versions'): void {
    for (const listener of this.historyListeners) listener(docId, part);
  }

  /** Writes the gathered activity; flushes run one after another. */
  flushActivity(): Promise<void> {
    clearTimeout(this.activityTimer);
    this.activityTimer = undefined;
    const batch = [...this.pendingActivity.values()].flat();
    this.pendingActivity.clear();
    const run = this.activityWrites.then(() => this.writeActivity(batch));
    this.activityWrites = run.catch(() => undefined);
    return run;
  }

  /**
   * One bulk write per flush: each entry extends its author's current row (known from the
   * last flush, or looked up once after a restart) when it continues that session, or opens a
   * new one, which is a new contribution counted at the entry's start. With a thousand people
   * typing this is two round trips every two seconds, not two per author.
   */
  private async writeActivity(batch: PendingActivity[]): Promise<void> {
    if (batch.length === 0) return;
    const { NoteActivity } = this.deps.models;
    await this.lookUpOpenRows(batch);
    const ops: Parameters<typeof NoteActivity.bulkWrite>[0] = [];
    const opened: ContributionInput[] = [];
    const rows = new Map<string, OpenActivityRow>();
    for (const entry of batch) {
      const key = activityKey(entry);
      // An earlier entry of this batch (same author and document) may have opened the row.
      const row = rows.get(key) ?? this.openRows.get(key);
      if (row && continuesSession(row, entry.at, this.timeZone)) {
        const inserted = (row.inserted + entry.inserted).slice(0, ACTIVITY_TEXT_MAX);
        ops.push({
          updateOne: {
            filter: { _id: row.id },
            update: {
              $set: { lastAt: entry.lastAt, inserted },
              $inc: { edits: entry.edits, deleted: entry.deleted },
            },
          },
        });
        rows.set(key, { ...row, lastAt: entry.lastAt, inserted });
      } else {
        const id = new Types.ObjectId();
        ops.push({ insertOne: { document: { _id: id, ...entry } } });
        opened.push({
          teamId: entry.teamId,
          professionalId: entry.authorId,
          kind: 'note',
          at: entry.at,
        });
        rows.set(key, { id, startedAt: entry.at, lastAt: entry.lastAt, inserted: entry.inserted });
      }
    }
    await NoteActivity.bulkWrite(ops, { ordered: true });
    for (const docId of new Set(batch.map((e) => e.docId))) this.historyChanged(docId, 'activity');
    for (const [key, row] of rows) this.openRows.set(key, row);
    await this.deps.contributions.recordMany(opened);
    // Rows that can no longer be extended need not be remembered.
    const horizon = this.now().getTime() - EDITING_SESSION_GAP_MS;
    for (const [key, row] of this.openRows)
      if (row.lastAt.getTime() < horizon) this.openRows.delete(key);
  }

  /** Entries whose author's current row this instance does not know (first flush, restart). */
  private async lookUpOpenRows(batch: PendingActivity[]): Promise<void> {
    const unknown = batch.filter((e) => !this.openRows.has(activityKey(e)));
    if (unknown.length === 0) return;
    const since = Math.min(...unknown.map((e) => e.at.getTime())) - EDITING_SESSION_GAP_MS;
    const found = await this.deps.models.NoteActivity.find({
      docId: { $in: [...new Set(unknown.map((e) => e.docId))] },
      authorId: {
        $in: [...new Set(unknown.map((e) => String(e.authorId)))].map(
          (id) => new Types.ObjectId(id),
        ),
      },
      lastAt: { $gte: new Date(since) },
    })
      .sort({ lastAt: 1 })
      .lean();
    // Sorted by time: the latest row of each author and document wins. Its start is kept: a
    // row begun last year is not extended by an edit of this year (`continuesSession`).
    for (const row of found) {
      this.openRows.set(activityKey(row), {
        id: row._id,
        startedAt: row.at,
        lastAt: row.lastAt,
        inserted: row.inserted ?? '',
      });
    }
  }

  async activity(ctx: MemberContext, address: NoteAddress): Promise<NoteActivityView[]> {
    await this.flushActivity();
    await this.deps.teams.audit(ctx, 'note.activity.read', `note:${address.doc}`);
    const rows = await this.deps.models.NoteActivity.find({ docId: noteDocId(address) })
      .sort({ lastAt: -1 })
      .limit(50)
      .lean();
    const ref = await loadRefs(
      this.deps.Professional,
      rows.map((r) => r.authorId),
    );
    return rows.map((r) => ({
      author: ref(r.authorId),
      at: r.lastAt.toISOString(),
      inserted: r.inserted ?? '',
      deleted: r.deleted ?? 0,
    }));
  }

  async createVersion(
    ctx: MemberContext,
    address: NoteAddress,
    name: string,
  ): Promise<NoteVersionView> {
    authorize(ctx, 'note.version.create');
    const live = await this.deps.registry.get(noteDocId(address), ctx.team._id);
    const at = this.now();
    const doc = await this.deps.models.NoteVersion.create({
      docId: live.id,
      teamId: ctx.team._id,
      name,
      createdBy: ctx.actorId,
      at,
      state: Buffer.from(Y.encodeStateAsUpdate(live.doc)),
    });
    await this.deps.teams.audit(ctx, 'note.version.create', `version:${String(doc._id)}`);
    this.historyChanged(live.id, 'versions');
    return { id: String(doc._id), name, createdBy: refOf(ctx.actor), at: at.toISOString() };
  }

  async versions(_ctx: MemberContext, address: NoteAddress): Promise<NoteVersionView[]> {
    const rows = await this.deps.models.NoteVersion.find({ docId: noteDocId(address) })
      .sort({ at: -1 })
      .lean();
    const ref = await loadRefs(
      this.deps.Professional,
      rows.map((r) => r.createdBy),
    );
    return rows.map((r) => ({
      id: String(r._id),
      name: r.name,
      createdBy: ref(r.createdBy),
      at: r.at.toISOString(),
    }));
  }

  async version(
    ctx: MemberContext,
    address: NoteAddress,
    versionId: string,
  ): Promise<NoteVersionStateView> {
    const id = parseObjectId(versionId);
    const row = id
      ? await this.deps.models.NoteVersion.findOne({ _id: id, docId: noteDocId(address) }).lean()
      : null;
    if (!row) throw notFound();
    await this.deps.teams.audit(ctx, 'note.version.read', `version:${versionId}`);
    const ref = await loadRefs(this.deps.Professional, [row.createdBy]);
    return {
      id: versionId,
      name: row.name,
      createdBy: ref(row.createdBy),
      at: row.at.toISOString(),
      // A lean read gives the driver's Binary, which Buffer.from turned into an empty buffer.
      state: Buffer.from(toBytes(row.state)).toString('base64'),
    };
  }
}

const sessionOf = (e: PendingActivity): EditingSession => ({ startedAt: e.at, lastAt: e.lastAt });

/** Why the member may not edit the note, if they may not: the policy's answer for `note.edit`. */
export function readOnlyReason(ctx: MemberContext): ReadOnlyReason {
  const refused = denial(subjectOf(ctx), 'note.edit');
  return refused === 'team_closed' || refused === 'read_only' ? refused : undefined;
}

const refOf = (p: Professional) => ({
  id: p.id,
  firstName: p.firstName,
  lastName: p.lastName,
  profession: p.profession,
});

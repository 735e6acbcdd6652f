import { Types, type Model } from 'mongoose';
import type {
  NotificationContext,
  NotificationKind,
  NotificationPageView,
  NotificationView,
} from '../../../shared/src/notifications.js';
import type { AuditLog } from '../audit/service.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { isDuplicateKey } from '../db/errors.js';
import { notFound } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import { rooms, type AppServer } from '../realtime/io.js';
import type { Outbox } from '../outbox/service.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { NotificationDoc } from './model.js';

export interface NotifyInput {
  kind: NotificationKind;
  teamId?: Types.ObjectId | string | null;
  actorId?: Types.ObjectId | string | null;
  data?: Record<string, string>;
  /** A notification that must exist once per recipient: the recipient's id is appended. */
  dedupeKey?: string;
}

/**
 * The titles of the items a kind of notification names (a task's), by id, within one team:
 * given by their feature at wiring (services.ts), asked only for a current member's read.
 */
export type TitleLookup = (
  teamId: Types.ObjectId,
  ids: Types.ObjectId[],
) => Promise<Map<string, string>>;

/** Sends what a notification means outside the app (e-mail); never fails the caller. */
export interface NotificationSink {
  deliver(recipientId: string, view: NotificationView): void;
}

/**
 * Stores notifications and pushes each to its recipient's sockets (`notification:new` in the
 * user room, through the adapter, so on every instance). Reading is scoped to the recipient:
 * every query has the reader's id in its filter.
 */
export class Notifications {
  private readonly sinks: NotificationSink[] = [];
  private taskTitles: TitleLookup | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      Notification: Model<NotificationDoc>;
      Professional: Model<ProfessionalDoc>;
      /** Which of a reader's notifications are about teams they still belong to, and whose. */
      teams: Pick<TeamService, 'teamIdsOf' | 'patientNames'>;
      /** A list that shows patients' names is a read of their teams' data. */
      audit: Pick<AuditLog, 'record'>;
      io: AppServer;
      logger: Logger;
      now: () => Date;
    },
  ) {
    this.now = deps.now;
  }

  addSink(sink: NotificationSink): void {
    this.sinks.push(sink);
  }

  /** Set at wiring: tasks depend on notifications (through the outbox), not the other way. */
  titleTasksWith(lookup: TitleLookup): void {
    this.taskTitles = lookup;
  }

  async notify(recipientIds: (Types.ObjectId | string)[], input: NotifyInput): Promise<void> {
    let recipients = [...new Set(recipientIds.map(String))].filter(
      (id) => id !== (input.actorId == null ? undefined : String(input.actorId)),
    );
    if (input.dedupeKey) recipients = await this.notYetSent(recipients, input.dedupeKey);
    if (recipients.length === 0) return;
    const createdAt = this.now();
    const docs = recipients.map((id) => {
      const _id = new Types.ObjectId();
      return {
        _id,
        recipientId: new Types.ObjectId(id),
        kind: input.kind,
        teamId: input.teamId == null ? null : new Types.ObjectId(String(input.teamId)),
        actorId: input.actorId == null ? null : new Types.ObjectId(String(input.actorId)),
        data: input.data ?? {},
        // Every notification has a unique key: the given one when it must exist once, else
        // its own id. A sparse index would skip documents without one, but not every engine
        // we run on honours sparseness (docs/database.md): a key on every document needs none.
        dedupeKey: input.dedupeKey ? `${input.dedupeKey}:${id}` : `id:${String(_id)}`,
        createdAt,
        readAt: null,
      };
    });
    const stored = await this.insert(docs);
    if (stored.length === 0) return;
    const ref = await loadRefs(this.deps.Professional, [input.actorId]);
    for (const doc of stored) {
      const view = toView(doc, input.actorId == null ? null : ref(input.actorId));
      const recipient = String(doc.recipientId);
      this.deps.io.to(rooms.user(recipient)).emit('notification:new', view);
      for (const sink of this.sinks) sink.deliver(recipient, view);
    }
  }

  /**
   * `notify` for producers whose own write is already stored: a failure to notify is logged
   * (without content) and never turns their answer into an error.
   */
  async send(recipientIds: (Types.ObjectId | string)[], input: NotifyInput): Promise<void> {
    try {
      await this.notify(recipientIds, input);
    } catch (err) {
      this.deps.logger.error({ err: safeError(err), kind: input.kind }, 'notification failed');
    }
  }

  /**
   * Notifications left by commands in the outbox. The message's key makes a second delivery
   * (after a crash, or two sweeps at once) a no-op; a failure leaves the entry for a retry.
   */
  handleEffects(outbox: Outbox): void {
    outbox.on('notify', ({ recipients, notification }, key) =>
      this.notify(recipients, { ...notification, dedupeKey: key }),
    );
  }

  /** The reader's notifications, newest first, `limit` at most after the cursor. */
  async list(
    recipientId: string,
    opts: { before?: string | undefined; limit: number },
  ): Promise<NotificationPageView> {
    const recipient = new Types.ObjectId(recipientId);
    const cursor = opts.before ? parseCursor(opts.before) : undefined;
    const filter = cursor
      ? {
          recipientId: recipient,
          $or: [
            { createdAt: { $lt: cursor.at } },
            { createdAt: cursor.at, _id: { $lt: cursor.id } },
          ],
        }
      : { recipientId: recipient };
    const docs = await this.deps.Notification.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(opts.limit + 1)
      .lean<NotificationDoc[]>();
    const page = docs.slice(0, opts.limit);
    const last = page.at(-1);
    const [views, unread] = await Promise.all([
      this.views(recipient, page, { withContext: true }),
      this.unreadCount(recipientId),
    ]);
    return {
      notifications: views,
      next: docs.length > opts.limit && last ? toCursor(last) : null,
      unread,
    };
  }

  unreadCount(recipientId: string): Promise<number> {
    return this.deps.Notification.countDocuments({
      recipientId: new Types.ObjectId(recipientId),
      readAt: null,
    });
  }

  /** Marks one of the reader's notifications read; anyone else's is a 404. */
  async markRead(recipientId: string, id: string): Promise<number> {
    const _id = /^[a-f\d]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
    const recipient = new Types.ObjectId(recipientId);
    const found = _id && (await this.deps.Notification.exists({ _id, recipientId: recipient }));
    if (!found) throw notFound();
    await this.deps.Notification.updateOne(
      { _id, recipientId: recipient, readAt: null },
      { $set: { readAt: this.now() } },
    );
    return this.readChanged(recipientId);
  }

  async markAllRead(recipientId: string): Promise<number> {
    await this.deps.Notification.updateMany(
      { recipientId: new Types.ObjectId(recipientId), readAt: null },
      { $set: { readAt: this.now() } },
    );
    return this.readChanged(recipientId);
  }

  /** The reader's other tabs follow the unread count. */
  private async readChanged(recipientId: string): Promise<number> {
    const unread = await this.unreadCount(recipientId);
    this.deps.io.to(rooms.user(recipientId)).emit('notification:read', { unread });
    return unread;
  }

  private async notYetSent(recipients: string[], key: string): Promise<string[]> {
    const keys = recipients.map((id) => `${key}:${id}`);
    const sent = await this.deps.Notification.find({ dedupeKey: { $in: keys } }).lean<
      NotificationDoc[]
    >();
    const done = new Set(sent.map((d) => String(d.recipientId)));
    return recipients.filter((id) => !done.has(id));
  }

  /** Inserts one by one when some are duplicates (dedupe key), so the others still land. */
  private async insert<T extends { dedupeKey?: string }>(docs: T[]): Promise<T[]> {
    try {
      await this.deps.Notification.insertMany(docs);
      return docs;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const stored: T[] = [];
      for (const doc of docs) {
        try {
          await this.deps.Notification.create(doc);
          stored.push(doc);
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
        }
      }
      return stored;
    }
  }

  /**
   * Views for the reader. A notification about a team they no longer belong to keeps only its
   * kind and time (invitations are about teams they were never in, and stay as they are).
   * With `withContext`, those of teams they belong to NOW also get the patient's name and the
   * task's title, read here rather than stored (docs/notifications.md, "Context"), and the
   * read is audited: one row per team shown, whatever the number of its notifications.
   */
  private async views(
    recipient: Types.ObjectId,
    docs: NotificationDoc[],
    { withContext = false } = {},
  ): Promise<NotificationView[]> {
    const teamIds = [...new Set(docs.flatMap((d) => (d.teamId ? [String(d.teamId)] : [])))];
    const memberships = teamIds.length
      ? await this.deps.teams.teamIdsOf(
          recipient,
          teamIds.map((id) => new Types.ObjectId(id)),
        )
      : [];
    const memberOf = new Set(memberships.map(String));
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.actorId),
    );
    const views = docs.map((d) => {
      const available = d.kind === 'invitation' || !d.teamId || memberOf.has(String(d.teamId));
      if (!available) return { ...toView({ ...d, data: {} }, null), available: false };
      return toView(d, d.actorId ? ref(d.actorId) : null);
    });
    if (!withContext) return views;
    // Invitations are about teams the reader is not in: they never get the patient.
    const shown = docs.filter(
      (d) => d.kind !== 'invitation' && d.teamId && memberOf.has(String(d.teamId)),
    );
    if (shown.length === 0) return views;
    const context = await this.context(recipient, shown);
    return views.map((v) => {
      const c = context.get(v.id);
      return c ? { ...v, context: c } : v;
    });
  }

  /** The context of notifications of the reader's current teams, by notification id. */
  private async context(
    recipient: Types.ObjectId,
    docs: NotificationDoc[],
  ): Promise<Map<string, NotificationContext>> {
    const teamIds = [...new Set(docs.map((d) => String(d.teamId)))].map(
      (id) => new Types.ObjectId(id),
    );
    const taskIdsByTeam = new Map<string, Types.ObjectId[]>();
    for (const d of docs) {
      const taskId = dataOf(d).taskId;
      if (d.kind !== 'task_assigned' || !taskId || !/^[a-f\d]{24}$/i.test(taskId)) continue;
      const list = taskIdsByTeam.get(String(d.teamId)) ?? [];
      list.push(new Types.ObjectId(taskId));
      taskIdsByTeam.set(String(d.teamId), list);
    }
    const lookup = this.taskTitles;
    const [names, titles] = await Promise.all([
      this.deps.teams.patientNames(teamIds),
      Promise.all(
        [...taskIdsByTeam].map(([teamId, ids]) =>
          lookup
            ? lookup(new Types.ObjectId(teamId), ids)
            : Promise.resolve(new Map<string, string>()),
        ),
      ),
      this.deps.audit.record(
        ...teamIds.map((teamId) => ({
          teamId,
          actorId: recipient,
          action: 'notification.list' as const,
        })),
      ),
    ]);
    const taskTitle = new Map(titles.flatMap((m) => [...m]));
    const context = new Map<string, NotificationContext>();
    for (const d of docs) {
      const c: NotificationContext = {};
      const patientName = names.get(String(d.teamId));
      if (patientName) c.patientName = patientName;
      const title = taskTitle.get(dataOf(d).taskId ?? '');
      if (d.kind === 'task_assigned' && title) c.taskTitle = title;
      context.set(String(d._id), c);
    }
    return context;
  }
}

/** Lean reads give the stored map as a plain object; a document's would be a Map. */
const dataOf = (d: { data?: unknown }): Record<string, string> =>
  d.data instanceof Map
    ? (Object.fromEntries(d.data) as Record<string, string>)
    : { ...((d.data as Record<string, string> | null) ?? {}) };

const toCursor = (d: { createdAt: Date; _id: Types.ObjectId }) =>
  `${d.createdAt.getTime()}_${String(d._id)}`;

/** A cursor that is not ours reads as "from the start" rather than failing. */
function parseCursor(cursor: string): { at: Date; id: Types.ObjectId } | undefined {
  const m = /^(\d{1,15})_([a-f\d]{24})$/i.exec(cursor);
  if (!m) return undefined;
  return { at: new Date(Number(m[1])), id: new Types.ObjectId(m[2]) };
}

export function toView(
  doc: {
    _id: Types.ObjectId;
    kind: NotificationKind;
    teamId?: Types.ObjectId | null;
    data?: Map<string, string> | Record<string, string> | null;
    createdAt: Date;
    readAt?: Date | null;
  },
  actor: NotificationView['actor'],
): NotificationView {
  const data = doc.data instanceof Map ? Object.fromEntries(doc.data) : { ...(doc.data ?? {}) };
  return {
    id: String(doc._id),
    kind: doc.kind,
    teamId: doc.teamId ? String(doc.teamId) : null,
    actor,
    data,
    createdAt: doc.createdAt.toISOString(),
    readAt: doc.readAt ? doc.readAt.toISOString() : null,
    available: true,
  };
}

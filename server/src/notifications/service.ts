import { Types, type Model } from 'mongoose';
import type { NotificationKind, NotificationView } from '../../../shared/src/notifications.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { rooms, type AppServer } from '../realtime/io.js';
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

/** Sends what a notification means outside the app (e-mail); never fails the caller. */
export interface NotificationSink {
  deliver(recipientId: string, view: NotificationView): void;
}

/**
 * Stores notifications and pushes each to its recipient's sockets (`notification:new` in the
 * user room, through the adapter, so on every instance).
 */
export class Notifications {
  private readonly sinks: NotificationSink[] = [];

  constructor(
    private readonly deps: {
      Notification: Model<NotificationDoc>;
      Professional: Model<ProfessionalDoc>;
      io: AppServer;
      now?: () => Date;
    },
  ) {}

  addSink(sink: NotificationSink): void {
    this.sinks.push(sink);
  }

  async notify(recipientIds: (Types.ObjectId | string)[], input: NotifyInput): Promise<void> {
    const recipients = [...new Set(recipientIds.map(String))].filter(
      (id) => id !== (input.actorId == null ? undefined : String(input.actorId)),
    );
    if (recipients.length === 0) return;
    const createdAt = (this.deps.now ?? (() => new Date()))();
    const docs = recipients.map((id) => ({
      _id: new Types.ObjectId(),
      recipientId: new Types.ObjectId(id),
      kind: input.kind,
      teamId: input.teamId == null ? null : new Types.ObjectId(String(input.teamId)),
      actorId: input.actorId == null ? null : new Types.ObjectId(String(input.actorId)),
      data: input.data ?? {},
      ...(input.dedupeKey ? { dedupeKey: `${input.dedupeKey}:${id}` } : {}),
      createdAt,
      readAt: null,
    }));
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

  /** Inserts one by one when some are duplicates (dedupe key), so the others still land. */
  private async insert<T extends { dedupeKey?: string }>(docs: T[]): Promise<T[]> {
    try {
      await this.deps.Notification.insertMany(docs);
      return docs;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const stored: T[] = [];
      for (const doc of docs) {
        try {
          await this.deps.Notification.create(doc);
          stored.push(doc);
        } catch (e) {
          if ((e as { code?: number }).code !== 11000) throw e;
        }
      }
      return stored;
    }
  }
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
  };
}

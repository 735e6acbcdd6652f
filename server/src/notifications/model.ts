import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { NOTIFICATION_KINDS } from '../../../shared/src/notifications.js';

const { ObjectId } = Schema.Types;

/** One notification for one professional. No health data (see shared/src/notifications.ts). */
const notificationSchema = new Schema(
  {
    recipientId: { type: ObjectId, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    teamId: { type: ObjectId, default: null },
    actorId: { type: ObjectId, default: null },
    data: { type: Map, of: String, default: {} },
    /**
     * Makes a notification that must exist once (a term ending) idempotent; includes the
     * recipient. Notifications without such a rule get `id:<their id>`, so every document has
     * a key and the unique index needs no sparse support from the engine.
     */
    dedupeKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false },
);
notificationSchema.index({ recipientId: 1, createdAt: -1, _id: -1 });
notificationSchema.index({ recipientId: 1, readAt: 1 });
// The key holds the recipient's id: one notification per rule and recipient.
notificationSchema.index({ dedupeKey: 1 }, { unique: true });

export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };

export function registerNotificationModel(conn: Connection): Model<NotificationDoc> {
  return conn.model<NotificationDoc>('Notification', notificationSchema);
}

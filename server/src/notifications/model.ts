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
    /** Makes a notification that must exist once (a term ending) idempotent; includes the recipient. */
    dedupeKey: { type: String },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false },
);
notificationSchema.index({ recipientId: 1, createdAt: -1, _id: -1 });
notificationSchema.index({ recipientId: 1, readAt: 1 });
// The key holds the recipient's id; only notifications that have one are indexed.
notificationSchema.index({ dedupeKey: 1 }, { unique: true, sparse: true });

export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };

export function registerNotificationModel(conn: Connection): Model<NotificationDoc> {
  return conn.model<NotificationDoc>('Notification', notificationSchema);
}

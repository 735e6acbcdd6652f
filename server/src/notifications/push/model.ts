import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** One browser's Web Push subscription for one professional (docs/notifications.md, "Push"). */
const pushSubscriptionSchema = new Schema(
  {
    professionalId: { type: Schema.Types.ObjectId, required: true },
    /** The push service's URL for this browser: unique, a re-subscription replaces the row. */
    endpoint: { type: String, required: true },
    p256dh: { type: String, required: true },
    auth: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
pushSubscriptionSchema.index({ endpoint: 1 }, { unique: true });
pushSubscriptionSchema.index({ professionalId: 1 });

export type PushSubscriptionDoc = InferSchemaType<typeof pushSubscriptionSchema> & {
  _id: Types.ObjectId;
};

export function registerPushSubscriptionModel(conn: Connection): Model<PushSubscriptionDoc> {
  return conn.model<PushSubscriptionDoc>('PushSubscription', pushSubscriptionSchema);
}

import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { OutboxMessage } from './messages.js';

/**
 * One committed command's side effects, written in the command's transaction and deleted once
 * dispatched. `leaseUntil` says until when an instance is busy dispatching it: the writer holds
 * it first, and a sweep takes over entries whose lease ran out (a crash between commit and
 * dispatch, on any instance).
 */
const outboxSchema = new Schema(
  {
    messages: { type: [Schema.Types.Mixed], required: true },
    createdAt: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
  },
  { versionKey: false },
);
outboxSchema.index({ leaseUntil: 1 });

export interface OutboxDoc {
  _id: Types.ObjectId;
  messages: OutboxMessage[];
  createdAt: Date;
  leaseUntil: Date;
  attempts: number;
}

export function registerOutboxModel(conn: Connection): Model<OutboxDoc> {
  return conn.model<OutboxDoc>('OutboxEntry', outboxSchema);
}

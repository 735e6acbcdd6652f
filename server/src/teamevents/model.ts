import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { EVENT_KINDS } from '../../../shared/src/team-events.js';

const { ObjectId } = Schema.Types;

/** An event in the patient's life recorded by a member; never changed once recorded. */
const teamEventSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    kind: { type: String, enum: EVENT_KINDS, required: true },
    /** The day it happened, YYYY-MM-DD. */
    date: { type: String, required: true },
    /** Health data: never logged, never in audit details or notifications. */
    note: { type: String, default: null },
    alert: { type: Boolean, required: true },
    recordedBy: { type: ObjectId, required: true },
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
teamEventSchema.index({ teamId: 1, date: -1, recordedAt: -1 });

export type TeamEventDoc = InferSchemaType<typeof teamEventSchema> & { _id: Types.ObjectId };

export function registerTeamEventModel(conn: Connection): Model<TeamEventDoc> {
  return conn.model<TeamEventDoc>('TeamEvent', teamEventSchema);
}

import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

/**
 * Per-member, per-year contribution counters: the participation ledger reads these, never the
 * raw messages, tasks or note edits, so its cost does not grow with the number of
 * contributions. Each contribution increments its row as it happens (an upsert with $inc).
 * No times are kept: the ledger asks only whether and how much a member contributed in a year,
 * and one statement per counter is what a busy conversation can afford.
 */
const contributionCounterSchema = new Schema(
  {
    professionalId: { type: ObjectId, required: true },
    teamId: { type: ObjectId, required: true },
    /** Calendar year in the ledger's time zone (Europe/Paris by default). */
    year: { type: Number, required: true },
    note: { type: Number, default: 0 },
    message: { type: Number, default: 0 },
    task: { type: Number, default: 0 },
    document: { type: Number, default: 0 },
    total: { type: Number, default: 0 },
  },
  { versionKey: false },
);
contributionCounterSchema.index({ professionalId: 1, year: 1, teamId: 1 }, { unique: true });
contributionCounterSchema.index({ year: 1, professionalId: 1 });
contributionCounterSchema.index({ teamId: 1, year: 1 });

export type ContributionCounterDoc = InferSchemaType<typeof contributionCounterSchema> & {
  _id: Types.ObjectId;
};

export function registerContributionModel(conn: Connection): Model<ContributionCounterDoc> {
  return conn.model<ContributionCounterDoc>('ContributionCounter', contributionCounterSchema);
}

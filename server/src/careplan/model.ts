import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

/**
 * One version of a team's care plan (PPS). Versions are never changed: a save writes the next
 * one, in the team's command transaction, after checking that the version it was based on is
 * still the latest; the unique index makes two versions with one number impossible anyway.
 */
const carePlanVersionSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    version: { type: Number, required: true },
    /** Health data: never logged, never in audit details or notifications. */
    objectives: { type: [String], required: true },
    actions: {
      type: [
        new Schema(
          {
            text: { type: String, required: true },
            responsibleId: { type: ObjectId, required: true },
            rhythm: { type: String, required: true },
          },
          { _id: false },
        ),
      ],
      required: true,
    },
    reviewDate: { type: String, required: true },
    createdBy: { type: ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
carePlanVersionSchema.index({ teamId: 1, version: -1 }, { unique: true });

export type CarePlanVersionDoc = InferSchemaType<typeof carePlanVersionSchema> & {
  _id: Types.ObjectId;
};

export function registerCarePlanModel(conn: Connection): Model<CarePlanVersionDoc> {
  return conn.model<CarePlanVersionDoc>('CarePlanVersion', carePlanVersionSchema);
}

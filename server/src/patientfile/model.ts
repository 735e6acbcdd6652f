import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { FILE_PARTS } from '../../../shared/src/patient-file.js';

const { ObjectId } = Schema.Types;

/**
 * One entry of a team's structured file (a treatment, an allergy, a carer…). Its own document,
 * not an array in the patient file (docs/database.md: no array is ever mutated), its fields
 * written whole, checked by the part's schema (`shared/src/patient-file.ts`). `version` makes
 * every edit a compare-and-set: an edit based on an older version is refused (409
 * file_conflict) instead of overwriting another member's.
 */
const fileEntrySchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    part: { type: String, enum: FILE_PARTS, required: true },
    /** Health data: never logged, never in audit details, notifications or push payloads. */
    fields: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedBy: { type: ObjectId, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { versionKey: false, minimize: false },
);
fileEntrySchema.index({ teamId: 1, part: 1, createdAt: 1 });

export type FileEntryDoc = InferSchemaType<typeof fileEntrySchema> & {
  _id: Types.ObjectId;
  fields: Record<string, unknown>;
};

export function registerFileEntryModel(conn: Connection): Model<FileEntryDoc> {
  return conn.model<FileEntryDoc>('FileEntry', fileEntrySchema);
}

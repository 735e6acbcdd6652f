import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The national directory, one document per line of the extract (one professional in one
 * practice situation). The id is a hash of the fields kept, so re-importing an unchanged line
 * touches the same document, a changed line is a new one, and a line no longer in the extract
 * keeps its document with `absentSince` set (docs/identity.md, "Directory").
 */
const directoryLineSchema = new Schema(
  {
    _id: { type: String, required: true },
    rpps: { type: String, required: true },
    lastName: { type: String, required: true },
    firstName: { type: String, required: true },
    professionCode: { type: String, required: true },
    professionLabel: { type: String, required: true },
    city: { type: String, default: '' },
    postalCode: { type: String, default: '' },
    /** Folded words of the names (lower case, no accents): the search's index. */
    words: { type: [String], required: true },
    /** The import that last saw this line. */
    importId: { type: String, required: true },
    absentSince: { type: Date, default: null },
  },
  { versionKey: false },
);
// Prefix search on a multikey index: /^word/ on `words` is an index range scan.
directoryLineSchema.index({ words: 1 });
directoryLineSchema.index({ rpps: 1 });
directoryLineSchema.index({ importId: 1 });

/** One run of the importer: the directory counts as loaded once one has finished. */
const directoryImportSchema = new Schema(
  {
    _id: { type: String, required: true },
    source: { type: String, required: true },
    synthetic: { type: Boolean, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    lines: { type: Number, default: 0 },
    absent: { type: Number, default: 0 },
  },
  { versionKey: false },
);
directoryImportSchema.index({ finishedAt: -1 });

export type DirectoryLineDoc = InferSchemaType<typeof directoryLineSchema>;
export type DirectoryImportDoc = InferSchemaType<typeof directoryImportSchema>;

export interface DirectoryModels {
  Line: Model<DirectoryLineDoc>;
  Import: Model<DirectoryImportDoc>;
}

export function registerDirectoryModels(conn: Connection): DirectoryModels {
  return {
    Line: conn.model<DirectoryLineDoc>('DirectoryLine', directoryLineSchema),
    Import: conn.model<DirectoryImportDoc>('DirectoryImport', directoryImportSchema),
  };
}

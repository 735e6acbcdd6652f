import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

/**
 * Notes are stored append-only (docs/notes.md): each acknowledged Yjs update is a document of
 * its own, written before the acknowledgement. A background compaction merges a document's
 * updates into a snapshot and then removes what the snapshot holds; Yjs updates are idempotent,
 * so a snapshot and the updates it merged may coexist for a while (after a crash) harmlessly.
 */
const noteUpdateSchema = new Schema(
  {
    docId: { type: String, required: true },
    teamId: { type: ObjectId, required: true },
    update: { type: Buffer, required: true },
    authorId: { type: ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
noteUpdateSchema.index({ docId: 1, _id: 1 });

const noteSnapshotSchema = new Schema(
  {
    docId: { type: String, required: true },
    teamId: { type: ObjectId, required: true },
    state: { type: Buffer, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
noteSnapshotSchema.index({ docId: 1 });

/**
 * Who wrote what, recently: one row per author and document for an editing session (edits at
 * most two minutes apart, within one ledger year: `continuesSession`), with the start of the
 * inserted text. Kept after compaction (the raw updates are not), and counted as the author's
 * contributions to the team, in the year of `at`.
 */
const noteActivitySchema = new Schema(
  {
    docId: { type: String, required: true },
    teamId: { type: ObjectId, required: true },
    authorId: { type: ObjectId, required: true },
    at: { type: Date, required: true },
    lastAt: { type: Date, required: true },
    edits: { type: Number, required: true },
    inserted: { type: String, default: '' },
    deleted: { type: Number, default: 0 },
  },
  { versionKey: false },
);
noteActivitySchema.index({ docId: 1, lastAt: -1 });
noteActivitySchema.index({ teamId: 1, authorId: 1, at: 1 });

/** Named versions ("Version RCP du 12/03"): the whole Yjs state at that moment. */
const noteVersionSchema = new Schema(
  {
    docId: { type: String, required: true },
    teamId: { type: ObjectId, required: true },
    name: { type: String, required: true },
    createdBy: { type: ObjectId, required: true },
    at: { type: Date, required: true },
    state: { type: Buffer, required: true },
  },
  { versionKey: false },
);
noteVersionSchema.index({ docId: 1, at: -1 });

export type NoteUpdateDoc = InferSchemaType<typeof noteUpdateSchema> & { _id: Types.ObjectId };
export type NoteSnapshotDoc = InferSchemaType<typeof noteSnapshotSchema> & { _id: Types.ObjectId };
export type NoteActivityDoc = InferSchemaType<typeof noteActivitySchema> & { _id: Types.ObjectId };
export type NoteVersionDoc = InferSchemaType<typeof noteVersionSchema> & { _id: Types.ObjectId };

export interface NoteModels {
  NoteUpdate: Model<NoteUpdateDoc>;
  NoteSnapshot: Model<NoteSnapshotDoc>;
  NoteActivity: Model<NoteActivityDoc>;
  NoteVersion: Model<NoteVersionDoc>;
}

export function registerNoteModels(conn: Connection): NoteModels {
  return {
    NoteUpdate: conn.model<NoteUpdateDoc>('NoteUpdate', noteUpdateSchema),
    NoteSnapshot: conn.model<NoteSnapshotDoc>('NoteSnapshot', noteSnapshotSchema),
    NoteActivity: conn.model<NoteActivityDoc>('NoteActivity', noteActivitySchema),
    NoteVersion: conn.model<NoteVersionDoc>('NoteVersion', noteVersionSchema),
  };
}

import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { DOCUMENT_KINDS } from '../../../shared/src/documents.js';

const { ObjectId } = Schema.Types;

/**
 * A document of a team's patient file. Its bytes live in GridFS (`fs.files` / `fs.chunks`,
 * storage.ts); this row is what the app lists and checks access against. A removed document
 * keeps its row (a message still says "pièce jointe retirée") but loses its bytes.
 */
const documentSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    authorId: { type: ObjectId, required: true },
    /** The author's id for this upload: a retry with the same id finds this document. */
    clientId: { type: String, required: true },
    /** Health data (may name the care): never logged, never in audit details. */
    title: { type: String, required: true },
    kind: { type: String, enum: DOCUMENT_KINDS, required: true },
    /** The day it is about, YYYY-MM-DD (compared as a string). */
    date: { type: String, required: true },
    fileName: { type: String, required: true },
    /** The stored file's type: a re-encoded image type, or application/pdf. */
    mime: { type: String, required: true },
    /** The stored file (GridFS id) and its bytes. */
    fileId: { type: ObjectId, required: true },
    size: { type: Number, required: true },
    thumbnailId: { type: ObjectId, default: null },
    thumbnailSize: { type: Number, default: 0 },
    width: { type: Number, default: null },
    height: { type: Number, default: null },
    createdAt: { type: Date, required: true },
    removedAt: { type: Date, default: null },
    removedBy: { type: ObjectId, default: null },
  },
  { versionKey: false },
);
// The list, newest day first, per kind or not.
documentSchema.index({ teamId: 1, removedAt: 1, date: -1, createdAt: -1 });
// Idempotent uploads: a retry after a lost answer can never store the document twice.
documentSchema.index({ teamId: 1, authorId: 1, clientId: 1 }, { unique: true });

/**
 * Bytes stored by a team, moved in the same transaction as the document rows: the quota is
 * checked by a conditional increment of this one row, so two uploads racing cannot both pass.
 */
const usageSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    bytes: { type: Number, required: true },
    count: { type: Number, required: true },
  },
  { versionKey: false },
);
usageSchema.index({ teamId: 1 }, { unique: true });

export type DocumentDoc = InferSchemaType<typeof documentSchema> & { _id: Types.ObjectId };
export type DocumentUsageDoc = InferSchemaType<typeof usageSchema> & { _id: Types.ObjectId };

export interface DocumentModels {
  Document: Model<DocumentDoc>;
  Usage: Model<DocumentUsageDoc>;
}

export function registerDocumentModels(conn: Connection): DocumentModels {
  return {
    Document: conn.model<DocumentDoc>('TeamDocument', documentSchema),
    Usage: conn.model<DocumentUsageDoc>('DocumentUsage', usageSchema),
  };
}

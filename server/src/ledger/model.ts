import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

/**
 * The pseudonymous reference of an ESCAP in ledgers and statements: random, drawn once per
 * team and stored, so it is stable across restarts and secrets, and reveals nothing about the
 * patient (it is not derived from anything). The unique index settles two first draws at once.
 */
const ledgerReferenceSchema = new Schema(
  {
    _id: { type: ObjectId, required: true },
    reference: { type: String, required: true },
  },
  { versionKey: false },
);
ledgerReferenceSchema.index({ reference: 1 }, { unique: true });

/**
 * A yearly statement as issued: each download is a record a third party checks through its
 * verification code. `content` is the canonical JSON the digest was computed on, stored as
 * the exact string so the digest can always be recomputed.
 */
const statementSchema = new Schema(
  {
    code: { type: String, required: true },
    professionalId: { type: ObjectId, required: true },
    year: { type: Number, required: true },
    issuedAt: { type: Date, required: true },
    content: { type: String, required: true },
    digest: { type: String, required: true },
    /** The signing key's id and the Ed25519 signature of `content` (signing.ts). */
    keyId: { type: String },
    signature: { type: String },
  },
  { versionKey: false },
);
statementSchema.index({ code: 1 }, { unique: true });
statementSchema.index({ professionalId: 1, year: 1 });

export type LedgerReferenceDoc = InferSchemaType<typeof ledgerReferenceSchema>;
export type StatementDoc = InferSchemaType<typeof statementSchema> & { _id: Types.ObjectId };

export interface LedgerModels {
  LedgerReference: Model<LedgerReferenceDoc>;
  Statement: Model<StatementDoc>;
}

export function registerLedgerModels(conn: Connection): LedgerModels {
  return {
    LedgerReference: conn.model<LedgerReferenceDoc>('LedgerReference', ledgerReferenceSchema),
    Statement: conn.model<StatementDoc>('Statement', statementSchema),
  };
}

import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

/**
 * A grant: one person (the patient or a carer they designate) may read the team's patient view
 * through one channel, with the patient's consent to it recorded (who recorded it, when).
 * Revoked, it ends every code and session of it at once.
 */
const grantSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    who: { type: String, enum: ['patient', 'carer'], required: true },
    name: { type: String, required: true },
    relationship: { type: String, default: null },
    channel: { type: String, enum: ['email', 'sms'], required: true },
    /**
     * Lowercased e-mail, or the mobile number in E.164 (`+33612345678`): the patient types it
     * with the code, in any form, normalised alike (shared/src/patient-access.ts).
     */
    address: { type: String, required: true },
    consentAt: { type: Date, required: true },
    consentBy: { type: ObjectId, required: true },
    createdBy: { type: ObjectId, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: ObjectId, default: null },
  },
  { versionKey: false },
);
grantSchema.index({ teamId: 1, createdAt: 1 });
grantSchema.index({ address: 1 });

/** The live code of a grant, as an HMAC only (codes.ts); a new code replaces the old one. */
const codeSchema = new Schema(
  {
    grantId: { type: ObjectId, required: true },
    hash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    failedAttempts: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
codeSchema.index({ grantId: 1 });
// MongoDB removes spent codes; expiry is also checked on every use (stand-ins lack TTL).
codeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** A patient's open session: the token's hash, its grant, its short life. */
const sessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    grantId: { type: ObjectId, required: true },
    teamId: { type: ObjectId, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
sessionSchema.index({ grantId: 1 });
// The same for patient sessions: checked on every read, removed by MongoDB after expiry.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type GrantDoc = InferSchemaType<typeof grantSchema> & { _id: Types.ObjectId };
export type PatientCodeDoc = InferSchemaType<typeof codeSchema> & { _id: Types.ObjectId };
export type PatientSessionDoc = InferSchemaType<typeof sessionSchema> & { _id: Types.ObjectId };

export interface PatientAccessModels {
  Grant: Model<GrantDoc>;
  Code: Model<PatientCodeDoc>;
  Session: Model<PatientSessionDoc>;
}

export function registerPatientAccessModels(conn: Connection): PatientAccessModels {
  return {
    Grant: conn.model<GrantDoc>('PatientGrant', grantSchema),
    Code: conn.model<PatientCodeDoc>('PatientCode', codeSchema),
    Session: conn.model<PatientSessionDoc>('PatientSession', sessionSchema),
  };
}

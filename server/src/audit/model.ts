import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * The audit log of patient data access (CSP L.1110-4): who, what, when, which team.
 * Append-only: the service only ever inserts. `detail` never holds health data, only ids.
 */
const auditEntrySchema = new Schema(
  {
    teamId: { type: Schema.Types.ObjectId, required: true },
    actorId: { type: Schema.Types.ObjectId, required: true },
    /** Set when the actor is a patient's grant (docs/patient-access.md): `actorId` is then the grant's id too. */
    grantId: { type: Schema.Types.ObjectId },
    action: { type: String, required: true },
    detail: { type: String },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
auditEntrySchema.index({ teamId: 1, at: -1 });

export type AuditEntryDoc = InferSchemaType<typeof auditEntrySchema> & { _id: Types.ObjectId };

export function registerAuditModel(conn: Connection): Model<AuditEntryDoc> {
  return conn.model<AuditEntryDoc>('AuditEntry', auditEntrySchema);
}

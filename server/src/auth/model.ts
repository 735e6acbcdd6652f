import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { PROFESSIONS } from '../../../shared/src/professions.js';
import { ROLES } from '../../../shared/src/schemas/auth.js';

/** A registered health professional. Holds no secret: those live in their own collections. */
const professionalSchema = new Schema(
  {
    rpps: { type: String, required: true },
    email: { type: String, required: true },
    profession: { type: String, required: true, enum: PROFESSIONS },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    /** When the professional proved they read mail at `email` (a link, or a password reset). */
    emailVerifiedAt: { type: Date, default: null },
    /**
     * How the RPPS identity was checked (docs/identity.md): `psc` (signed in with Pro Santé
     * Connect), `directory` (matched the national directory at sign-up), `unverified` (a
     * directory was loaded and did not confirm it), null (no directory when they signed up).
     */
    rppsCheck: { type: String, enum: ['psc', 'directory', 'unverified'], default: null },
    /** Demo accounts exist only with the embedded database (npm start). */
    demo: { type: Boolean, default: false },
    /** Platform roles (shared/src/schemas/auth.ts ROLES); set by a command, never over HTTP. */
    roles: { type: [{ type: String, enum: ROLES }], default: [] },
  },
  { timestamps: true, versionKey: false },
);
// Unique indexes, not look-ups before insert, make duplicates impossible under concurrency.
professionalSchema.index({ rpps: 1 }, { unique: true });
professionalSchema.index({ email: 1 }, { unique: true });

/**
 * Password hashes, keyed by professional id. A separate collection rather than a
 * `select:false` field: nothing that reads professionals can ever return a hash.
 */
const credentialSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    passwordHash: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);

/** Sign-in sessions. The id is the SHA-256 of the cookie token, so a database leak gives no usable cookie. */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    professionalId: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
sessionSchema.index({ professionalId: 1 });
// MongoDB removes expired sessions; expiry is also checked on every read (stand-ins lack TTL).
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** Failed sign-in counters for throttling, per key (identifier + IP, or IP alone). */
const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    failures: { type: Number, required: true, default: 0 },
    windowStart: { type: Date, required: true },
    blockedUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
loginAttemptSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type ProfessionalDoc = InferSchemaType<typeof professionalSchema> & { _id: Types.ObjectId };
export type CredentialDoc = InferSchemaType<typeof credentialSchema>;
export type SessionDoc = InferSchemaType<typeof sessionSchema>;
export type LoginAttemptDoc = InferSchemaType<typeof loginAttemptSchema>;

export interface AuthModels {
  Professional: Model<ProfessionalDoc>;
  Credential: Model<CredentialDoc>;
  Session: Model<SessionDoc>;
  LoginAttempt: Model<LoginAttemptDoc>;
}

export function registerAuthModels(conn: Connection): AuthModels {
  return {
    Professional: conn.model<ProfessionalDoc>('Professional', professionalSchema),
    Credential: conn.model<CredentialDoc>('Credential', credentialSchema),
    Session: conn.model<SessionDoc>('Session', sessionSchema),
    LoginAttempt: conn.model<LoginAttemptDoc>('LoginAttempt', loginAttemptSchema),
  };
}

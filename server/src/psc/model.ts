import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * A Pro Santé Connect sign-in under way, bound to one browser: its id is the SHA-256 of a
 * random value held in that browser's `escap_psc` cookie. It holds the PKCE verifier, the
 * state and the nonce until the provider sends the browser back, and then, when the sign-in
 * needs one more step (the password of an existing account, or an e-mail address), the
 * identity the provider gave. Single use, 10 minutes (checked in code).
 */
const pscLoginSchema = new Schema(
  {
    _id: { type: String, required: true },
    stage: { type: String, enum: ['authorizing', 'exchanging', 'link', 'email'], required: true },
    state: { type: String, required: true },
    nonce: { type: String, required: true },
    codeVerifier: { type: String, required: true },
    /** An invitation link to go back to once signed in. */
    invitation: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    /** From the provider, once it answered. */
    subject: { type: String, default: null },
    identity: {
      type: {
        rpps: String,
        firstName: String,
        lastName: String,
        profession: String,
        email: String,
      },
      default: null,
    },
    /** The existing account with this RPPS (stage `link`). */
    professionalId: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false },
);
pscLoginSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 3600 });

/** Which account a Pro Santé Connect subject signs in as: one each way (unique indexes). */
const pscLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    professionalId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
pscLinkSchema.index({ professionalId: 1 }, { unique: true });

export type PscLoginDoc = InferSchemaType<typeof pscLoginSchema>;
export type PscLinkDoc = InferSchemaType<typeof pscLinkSchema>;

export interface PscModels {
  Login: Model<PscLoginDoc>;
  Link: Model<PscLinkDoc>;
}

export function registerPscModels(conn: Connection): PscModels {
  return {
    Login: conn.model<PscLoginDoc>('PscLogin', pscLoginSchema),
    Link: conn.model<PscLinkDoc>('PscLink', pscLinkSchema),
  };
}

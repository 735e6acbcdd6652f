import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Single-use secrets sent by e-mail, each kind in a collection of its own (docs/database.md:
 * never a secret behind a projection). The id is the SHA-256 of the token in the link, so a
 * database leak gives no usable link. Expiry is checked in code on every use; the TTL index
 * only tidies up on a real MongoDB.
 */
const tokenFields = {
  _id: { type: String, required: true },
  professionalId: { type: Schema.Types.ObjectId, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
} as const;

/** A link that proves the professional reads the mail of `email` (their address when sent). */
const emailVerificationSchema = new Schema(
  { ...tokenFields, email: { type: String, required: true } },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
emailVerificationSchema.index({ professionalId: 1 });
emailVerificationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 24 * 3600 });

/** A password reset link: 30 minutes, single use. */
const passwordResetSchema = new Schema(tokenFields, {
  timestamps: { createdAt: true, updatedAt: false },
  versionKey: false,
});
passwordResetSchema.index({ professionalId: 1 });
passwordResetSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 24 * 3600 });

export type EmailVerificationDoc = InferSchemaType<typeof emailVerificationSchema> & {
  createdAt: Date;
};
export type PasswordResetDoc = InferSchemaType<typeof passwordResetSchema> & { createdAt: Date };

export interface AccountModels {
  EmailVerification: Model<EmailVerificationDoc>;
  PasswordReset: Model<PasswordResetDoc>;
}

export function registerAccountModels(conn: Connection): AccountModels {
  return {
    EmailVerification: conn.model<EmailVerificationDoc>(
      'EmailVerification',
      emailVerificationSchema,
    ),
    PasswordReset: conn.model<PasswordResetDoc>('PasswordReset', passwordResetSchema),
  };
}

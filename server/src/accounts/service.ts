import type { Connection, Model } from 'mongoose';
import type { ProfessionalDoc, AuthModels } from '../auth/model.js';
import { assertStrongPassword, hashPassword } from '../auth/service.js';
import { hashToken, newSessionToken } from '../auth/tokens.js';
import { transaction } from '../db/transaction.js';
import { AppError } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import type { Mailer } from '../notifications/mailer.js';
import type { AccountModels } from './model.js';
import { passwordResetMail, verificationMail } from './mails.js';

export const VERIFICATION_TTL_MS = 24 * 3600_000;
export const RESET_TTL_MS = 30 * 60_000;
/** One reset mail per account per minute at most: nobody floods an inbox through the form. */
const RESET_MAIL_INTERVAL_MS = 60_000;

export interface AccountServiceDeps {
  db: Connection;
  auth: AuthModels;
  models: AccountModels;
  mailer: Mailer;
  logger: Logger;
  now: () => Date;
}

/**
 * Address verification and password resets (docs/identity.md, "Accounts"). Both send a link
 * with a single-use token; only its SHA-256 is stored, in a collection of its own.
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  private get Professional(): Model<ProfessionalDoc> {
    return this.deps.auth.Professional;
  }

  /** Sends a verification link to the professional's current address (the latest one only is valid). */
  async sendVerification(professionalId: string, baseUrl: string): Promise<void> {
    const doc = await this.Professional.findById(professionalId).lean<ProfessionalDoc>();
    if (!doc || doc.emailVerifiedAt) return;
    const { EmailVerification } = this.deps.models;
    const { token, id } = newSessionToken();
    await EmailVerification.deleteMany({ professionalId: doc._id, usedAt: null });
    await EmailVerification.create({
      _id: id,
      professionalId: doc._id,
      email: doc.email,
      expiresAt: new Date(this.deps.now().getTime() + VERIFICATION_TTL_MS),
    });
    this.deps.mailer.send('account.verification', verificationMail(doc, baseUrl, token));
  }

  /** Opens a verification link: the address it was sent to is the account's, proved. */
  async verifyEmail(token: string): Promise<void> {
    const now = this.deps.now();
    const found = await this.deps.models.EmailVerification.findOneAndUpdate(
      { _id: hashToken(token), usedAt: null, expiresAt: { $gt: now } },
      { $set: { usedAt: now } },
      { returnDocument: 'after' },
    ).lean();
    if (!found) throw new AppError('token_invalid');
    // Only if the address is still the one the link was sent to.
    await this.Professional.updateOne(
      { _id: found.professionalId, email: found.email, emailVerifiedAt: null },
      { $set: { emailVerifiedAt: now } },
    );
  }

  /**
   * "Mot de passe oublié". The caller answers the same at once whatever happens here: the
   * work runs after the answer, so neither the answer nor its timing tells whether an account
   * has this address.
   */
  requestReset(email: string, baseUrl: string): void {
    this.startReset(email, baseUrl).catch((err: unknown) =>
      this.deps.logger.error({ err: safeError(err) }, 'password reset request failed'),
    );
  }

  private async startReset(email: string, baseUrl: string): Promise<void> {
    const doc = await this.Professional.findOne({ email }).lean<ProfessionalDoc>();
    if (!doc) return;
    const { PasswordReset } = this.deps.models;
    const now = this.deps.now();
    const recent = await PasswordReset.findOne({
      professionalId: doc._id,
      createdAt: { $gt: new Date(now.getTime() - RESET_MAIL_INTERVAL_MS) },
    }).lean();
    if (recent) return;
    // A new link makes the earlier ones useless.
    await PasswordReset.deleteMany({ professionalId: doc._id });
    const { token, id } = newSessionToken();
    await PasswordReset.create({
      _id: id,
      professionalId: doc._id,
      expiresAt: new Date(now.getTime() + RESET_TTL_MS),
      createdAt: now,
    });
    this.deps.mailer.send('account.password_reset', passwordResetMail(doc, baseUrl, token));
  }

  /** Whether a reset link can still be used (the page asks before showing the form). */
  async resetUsable(token: string): Promise<boolean> {
    return (await this.findReset(token)) !== null;
  }

  /**
   * Sets a new password with a reset link: the link is used up, every session of the account
   * ends (the caller disconnects its sockets) and the address counts as verified (the link
   * came through it). Returns the professional's id.
   */
  async resetPassword(token: string, password: string): Promise<string> {
    const reset = await this.findReset(token);
    if (!reset) throw new AppError('token_invalid');
    const doc = await this.Professional.findById(reset.professionalId).lean<ProfessionalDoc>();
    if (!doc) throw new AppError('token_invalid');
    // Judged before the link is used up: a refused password leaves the link usable.
    await assertStrongPassword(password, doc);
    const passwordHash = await hashPassword(password);
    const now = this.deps.now();
    const { Credential, Session } = this.deps.auth;
    await transaction(this.deps.db, async (session) => {
      const used = await this.deps.models.PasswordReset.updateOne(
        { _id: reset._id, usedAt: null, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
        { session },
      );
      if (used.modifiedCount !== 1) throw new AppError('token_invalid');
      await Credential.updateOne(
        { _id: doc._id },
        { $set: { passwordHash } },
        { upsert: true, session },
      );
      await Session.deleteMany({ professionalId: doc._id }, { session });
      await this.Professional.updateOne(
        { _id: doc._id, emailVerifiedAt: null },
        { $set: { emailVerifiedAt: now } },
        { session },
      );
    });
    return String(doc._id);
  }

  private async findReset(token: string) {
    if (!/^[\w-]{20,100}$/.test(token)) return null;
    return this.deps.models.PasswordReset.findOne({
      _id: hashToken(token),
      usedAt: null,
      expiresAt: { $gt: this.deps.now() },
    }).lean();
  }
}

import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import { invitationCodeMail } from '../accounts/mails.js';
import { AppError } from '../http/errors.js';
import type { Mailer } from '../notifications/mailer.js';
import { invitationStatus } from '../teams/views.js';
import type { InvitationDoc } from './model.js';
import { findByToken } from './service.js';

export const CODE_TTL_MS = 15 * 60_000;
/** Wrong codes accepted per code, and codes sent per invitee: at most 25 guesses of 10^6. */
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_MAX_SENT = 5;

/**
 * One-time codes that prove a signed-in professional reads the mail of the address an
 * invitation was sent to. One document per (invitation, professional), in a collection of its
 * own; the code itself is stored as an HMAC bound to both ids.
 */
const invitationCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    codeHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    sent: { type: Number, required: true, default: 1 },
    verifiedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
invitationCodeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 24 * 3600 });
export type InvitationCodeDoc = InferSchemaType<typeof invitationCodeSchema>;

export function registerInvitationCodeModel(conn: Connection): Model<InvitationCodeDoc> {
  return conn.model<InvitationCodeDoc>('InvitationCode', invitationCodeSchema);
}

export interface AddresseeDeps {
  Code: Model<InvitationCodeDoc>;
  Invitation: Model<InvitationDoc>;
  mailer: Mailer;
  secret: string;
  now: () => Date;
}

/**
 * An e-mail invitation is bound to its address (docs/identity.md, "Invitations"): its link
 * can be claimed only by an account whose VERIFIED e-mail is that address, or after a code
 * sent to that address. Holding the link (a forwarded mail) grants nothing by itself.
 */
export class InvitationAddressee {
  constructor(private readonly deps: AddresseeDeps) {}

  /** Whether this professional needs a code to claim this invitation. */
  needsCode(actor: Professional, inv: InvitationDoc): boolean {
    if (!inv.email) return false;
    return !(actor.emailVerified && actor.email === inv.email);
  }

  /** Throws unless the actor may claim the invitation (verified address, or a right code). */
  async assertMayClaim(actor: Professional, inv: InvitationDoc, code?: string): Promise<void> {
    if (!this.needsCode(actor, inv)) return;
    if (!code) throw new AppError('invitation_code_required', { field: 'code' });
    await this.checkCode(actor, inv, code);
  }

  /** Sends a code to the invitation's address; the answer never shows the address. */
  async sendCode(actor: Professional, token: string): Promise<{ sent: boolean }> {
    const inv = await findByToken(this.deps.Invitation, token);
    const now = this.deps.now();
    const status = invitationStatus(inv, now);
    if (status === 'expired') throw new AppError('invitation_expired');
    if (status !== 'pending') throw new AppError('invitation_used');
    if (!this.needsCode(actor, inv)) return { sent: false };
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = keyOf(inv, actor);
    const existing = await this.deps.Code.findById(id).lean();
    if (existing && existing.sent >= CODE_MAX_SENT) throw new AppError('too_many_attempts');
    await this.deps.Code.updateOne(
      { _id: id },
      {
        $set: {
          codeHash: this.hash(id, code),
          expiresAt: new Date(now.getTime() + CODE_TTL_MS),
          attempts: 0,
          verifiedAt: null,
        },
        $inc: { sent: 1 },
      },
      { upsert: true },
    );
    this.deps.mailer.send('invitation.code', invitationCodeMail(inv.email!, code));
    return { sent: true };
  }

  private async checkCode(actor: Professional, inv: InvitationDoc, code: string): Promise<void> {
    const id = keyOf(inv, actor);
    const now = this.deps.now();
    // Counted before comparing: concurrent guesses cannot exceed the limit.
    const doc = await this.deps.Code.findOneAndUpdate(
      { _id: id, expiresAt: { $gt: now }, attempts: { $lt: CODE_MAX_ATTEMPTS } },
      { $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    const expected = Buffer.from(doc?.codeHash ?? '');
    const given = Buffer.from(this.hash(id, code));
    if (!doc || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AppError('invitation_code_invalid', { field: 'code' });
    }
    await this.deps.Code.updateOne({ _id: id }, { $set: { verifiedAt: now } });
  }

  private hash(id: string, code: string): string {
    return createHmac('sha256', this.deps.secret).update(`${id}|${code}`).digest('hex');
  }
}

const keyOf = (inv: InvitationDoc, actor: Professional) => `${String(inv._id)}|${actor.id}`;

import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'cancelled'] as const;

/**
 * An invitation into a team, of a registered professional or of an e-mail address.
 * `openKey` carries a unique index: while pending it is `team|invitee`, so a second pending
 * invitation of the same person to the same team is refused atomically; once answered it gets
 * the invitation's own id appended and frees the key. (A partial unique index would say the
 * same, but not every engine we test on has them.)
 */
const invitationSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    invitedBy: { type: ObjectId, required: true },
    professionalId: { type: ObjectId, default: null },
    email: { type: String, default: null },
    asMedecinTraitant: { type: Boolean, default: false },
    status: { type: String, enum: INVITATION_STATUSES, required: true },
    /** SHA-256 of the single-use link token (e-mail invitations only). */
    tokenHash: { type: String, default: null },
    openKey: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    respondedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
invitationSchema.index({ openKey: 1 }, { unique: true });
invitationSchema.index({ professionalId: 1, status: 1 });
invitationSchema.index({ teamId: 1, status: 1 });
invitationSchema.index({ tokenHash: 1 });

export type InvitationDoc = InferSchemaType<typeof invitationSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
};

export function registerInvitationModel(conn: Connection): Model<InvitationDoc> {
  return conn.model<InvitationDoc>('Invitation', invitationSchema);
}

export const openKeyFor = (
  teamId: Types.ObjectId | string,
  invitee: { professionalId?: string; email?: string },
) =>
  `${String(teamId)}|${invitee.professionalId ? `p:${invitee.professionalId}` : `e:${invitee.email ?? ''}`}`;

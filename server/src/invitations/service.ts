import { Types, type Model } from 'mongoose';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { InboxInvitationView, InvitationLinkView } from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { hashToken } from '../auth/tokens.js';
import { AppError, notFound } from '../http/errors.js';
import type { Outbox } from '../outbox/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import { invitationStatus, loadRefs, toInboxView } from '../teams/views.js';
import type { InvitationDoc } from './model.js';

export interface InvitationQueryDeps {
  Invitation: Model<InvitationDoc>;
  Professional: Model<ProfessionalDoc>;
  now: () => Date;
}

/** Whom to invite, once resolved: a registered professional, or an e-mail address. */
export type Invitee = { professional: ProfessionalDoc } | { email: string };

/**
 * The read side of invitations: the invitee's inbox, what a link shows before sign-in, and
 * whom an RPPS or an address names. Changes are commands (invitations/commands.ts).
 */
export class InvitationService {
  constructor(private readonly deps: InvitationQueryDeps) {}

  /** RPPS must name a registered professional; an e-mail of a registered one invites that professional. */
  async resolveInvitee(input: { rpps: string } | { email: string }): Promise<Invitee> {
    const { Professional } = this.deps;
    if ('rpps' in input) {
      const professional = await Professional.findOne({ rpps: input.rpps }).lean<ProfessionalDoc>();
      if (!professional) throw new AppError('professional_not_found', { field: 'invitee.rpps' });
      return { professional };
    }
    const professional = await Professional.findOne({ email: input.email }).lean<ProfessionalDoc>();
    return professional ? { professional } : { email: input.email };
  }

  /** Pending, unexpired invitations of the professional: no patient data in them. */
  async inbox(actor: Professional): Promise<InboxInvitationView[]> {
    const docs = await this.deps.Invitation.find({
      professionalId: new Types.ObjectId(actor.id),
      status: 'pending',
      expiresAt: { $gt: this.deps.now() },
    })
      .sort({ createdAt: -1 })
      .lean<InvitationDoc[]>();
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.invitedBy),
    );
    return docs.map((d) => toInboxView(d, ref));
  }

  /** What a link shows before sign-in: who invites, and whether it can still be used. */
  async linkInfo(token: string): Promise<InvitationLinkView> {
    const inv = await findByToken(this.deps.Invitation, token);
    const ref = await loadRefs(this.deps.Professional, [inv.invitedBy]);
    return {
      status: invitationStatus(inv, this.deps.now()),
      invitedBy: ref(inv.invitedBy),
      email: inv.email ?? '',
      expiresAt: inv.expiresAt.toISOString(),
    };
  }

  /** The live side effects of invitations, delivered from the outbox after each commit. */
  handleEffects(outbox: Outbox, io: AppServer): void {
    outbox.on('invitation.received', async ({ invitationId }) => {
      const inv = await this.deps.Invitation.findById(invitationId).lean<InvitationDoc>();
      // Answered or cancelled since: nothing to show any more.
      if (!inv?.professionalId || inv.status !== 'pending') return;
      const ref = await loadRefs(this.deps.Professional, [inv.invitedBy]);
      io.to(rooms.user(String(inv.professionalId))).emit(
        'invitation:received',
        toInboxView(inv, ref),
      );
    });
    outbox.on('invitation.closed', ({ professionalId, invitationId }) => {
      io.to(rooms.user(professionalId)).emit('invitation:closed', { id: invitationId });
    });
  }
}

export async function findByToken(
  Invitation: Model<InvitationDoc>,
  token: string,
): Promise<InvitationDoc> {
  if (!/^[\w-]{20,100}$/.test(token)) throw notFound();
  const inv = await Invitation.findOne({ tokenHash: hashToken(token) }).lean<InvitationDoc>();
  if (!inv) throw notFound();
  return inv;
}

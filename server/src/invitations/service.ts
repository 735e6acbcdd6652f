import { Types, type Model } from 'mongoose';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type {
  InboxInvitationView,
  InvitationLinkView,
  InvitationView,
} from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { hashToken, newSessionToken } from '../auth/tokens.js';
import type { AuditLog } from '../audit/service.js';
import { isDuplicateKey } from '../db/errors.js';
import { AppError, notFound } from '../http/errors.js';
import {
  parseObjectId,
  requireManager,
  requireWritable,
  type MemberContext,
} from '../teams/access.js';
import type { TeamLive } from '../teams/live.js';
import { addMember, isCurrentMember } from '../teams/memberships.js';
import type { TeamDoc, TeamModels } from '../teams/model.js';
import { refreshStatus } from '../teams/status.js';
import { invitationStatus, loadRefs, toInboxView, toInvitationView } from '../teams/views.js';
import type { Notifications } from '../notifications/service.js';
import { openKeyFor, type InvitationDoc } from './model.js';

export interface InvitationDeps {
  models: TeamModels;
  Invitation: Model<InvitationDoc>;
  Professional: Model<ProfessionalDoc>;
  audit: AuditLog;
  live: TeamLive;
  /** Tells a registered invitee in their notification centre (and by e-mail if set up). */
  notifications?: Notifications;
  ttlMs: number;
  now?: () => Date;
}

/** Whom to invite, once resolved: a registered professional, or an e-mail address. */
export type Invitee = { professional: ProfessionalDoc } | { email: string };

export class InvitationService {
  private readonly now: () => Date;
  constructor(private readonly deps: InvitationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

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

  /**
   * Creates an invitation. Checks come first and the single insert last, so a refused
   * invitation writes nothing; the unique `openKey` refuses a second pending one atomically.
   */
  async create(
    team: TeamDoc,
    invitedBy: Types.ObjectId,
    invitee: Invitee,
    opts: { asMedecinTraitant: boolean; baseUrl: string },
  ): Promise<{ invitation: InvitationView; link?: string | undefined; doc: InvitationDoc }> {
    const { models, Invitation } = this.deps;
    const now = this.now();
    if ('professional' in invitee) {
      if (opts.asMedecinTraitant && invitee.professional.profession !== 'medecin') {
        throw new AppError('not_a_physician', { field: 'invitee' });
      }
      if (await isCurrentMember(models, team._id, invitee.professional._id)) {
        throw new AppError('already_member', { field: 'invitee' });
      }
      // Invited earlier by e-mail, before signing up with that address: the same person.
      const byEmail = await Invitation.exists({
        openKey: openKeyFor(team._id, { email: invitee.professional.email }),
        status: 'pending',
        expiresAt: { $gt: now },
      });
      if (byEmail) throw new AppError('already_invited', { field: 'invitee' });
    }
    const key = openKeyFor(
      team._id,
      'professional' in invitee
        ? { professionalId: String(invitee.professional._id) }
        : { email: invitee.email },
    );
    await this.releaseExpiredKey(key, now);
    const token = 'email' in invitee ? newSessionToken() : undefined;
    let doc: InvitationDoc;
    try {
      const created = await Invitation.create({
        teamId: team._id,
        invitedBy,
        professionalId: 'professional' in invitee ? invitee.professional._id : null,
        email: 'email' in invitee ? invitee.email : null,
        asMedecinTraitant: opts.asMedecinTraitant,
        status: 'pending',
        tokenHash: token?.id ?? null,
        openKey: key,
        expiresAt: new Date(now.getTime() + this.deps.ttlMs),
      });
      doc = created.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('already_invited', { field: 'invitee' });
      throw err;
    }
    const ref = await loadRefs(this.deps.Professional, [doc.invitedBy, doc.professionalId]);
    if (doc.professionalId) {
      this.deps.live.invitationReceived(String(doc.professionalId), toInboxView(doc, ref));
      await this.deps.notifications?.send([doc.professionalId], {
        kind: 'invitation',
        teamId: doc.teamId,
        actorId: doc.invitedBy,
        data: { invitationId: String(doc._id) },
      });
    }
    return {
      invitation: toInvitationView(doc, ref, now),
      link: token ? `${opts.baseUrl}/invitation/${token.token}` : undefined,
      doc,
    };
  }

  /** Invite from the team page: managers only, on a writable team. */
  async invite(
    ctx: MemberContext,
    input: {
      invitee: { rpps: string } | { email: string };
      asMedecinTraitant?: boolean | undefined;
    },
    baseUrl: string,
  ) {
    requireManager(ctx);
    requireWritable(ctx);
    const invitee = await this.resolveInvitee(input.invitee);
    const result = await this.create(ctx.team, ctx.actorId, invitee, {
      asMedecinTraitant: input.asMedecinTraitant ?? false,
      baseUrl,
    });
    await this.deps.audit.record({
      teamId: ctx.team._id,
      actorId: ctx.actorId,
      action: 'invitation.create',
      detail: `invitation:${String(result.doc._id)}`,
    });
    this.deps.live.changed(String(ctx.team._id), ctx.team.status);
    return { invitation: result.invitation, link: result.link };
  }

  async cancel(ctx: MemberContext, invitationId: string): Promise<void> {
    requireManager(ctx);
    requireWritable(ctx);
    const id = parseObjectId(invitationId);
    const inv = id
      ? await this.deps.Invitation.findOne({ _id: id, teamId: ctx.team._id }).lean<InvitationDoc>()
      : null;
    if (!inv) throw notFound();
    await this.close(inv, 'cancelled');
    await this.deps.audit.record({
      teamId: ctx.team._id,
      actorId: ctx.actorId,
      action: 'invitation.cancel',
      detail: `invitation:${invitationId}`,
    });
    if (inv.professionalId)
      this.deps.live.invitationClosed(String(inv.professionalId), invitationId);
    this.deps.live.changed(String(ctx.team._id), ctx.team.status);
  }

  /** Pending, unexpired invitations of the professional: no patient data in them. */
  async inbox(actor: Professional): Promise<InboxInvitationView[]> {
    const docs = await this.deps.Invitation.find({
      professionalId: new Types.ObjectId(actor.id),
      status: 'pending',
      expiresAt: { $gt: this.now() },
    })
      .sort({ createdAt: -1 })
      .lean<InvitationDoc[]>();
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.invitedBy),
    );
    return docs.map((d) => toInboxView(d, ref));
  }

  async accept(actor: Professional, invitationId: string): Promise<{ teamId: string }> {
    const inv = await this.findOwn(actor, invitationId);
    return this.join(actor, inv);
  }

  async decline(actor: Professional, invitationId: string): Promise<void> {
    const inv = await this.findOwn(actor, invitationId);
    this.assertOpen(inv);
    await this.close(inv, 'declined');
    await this.deps.audit.record({
      teamId: inv.teamId,
      actorId: new Types.ObjectId(actor.id),
      action: 'invitation.decline',
      detail: `invitation:${invitationId}`,
    });
    const team = await this.deps.models.Team.findById(inv.teamId).lean<TeamDoc>();
    this.deps.live.invitationClosed(actor.id, invitationId);
    if (team) this.deps.live.changed(String(team._id), team.status);
  }

  /** What a link shows before sign-in: who invites, and whether it can still be used. */
  async linkInfo(token: string): Promise<InvitationLinkView> {
    const inv = await this.findByToken(token);
    const ref = await loadRefs(this.deps.Professional, [inv.invitedBy]);
    return {
      status: invitationStatus(inv, this.now()),
      invitedBy: ref(inv.invitedBy),
      email: inv.email ?? '',
      expiresAt: inv.expiresAt.toISOString(),
    };
  }

  /** The signed-in professional uses a single-use link: the invitation becomes theirs and they join. */
  async claim(actor: Professional, token: string): Promise<{ teamId: string }> {
    const inv = await this.findByToken(token);
    this.assertOpen(inv);
    return this.join(actor, { ...inv, professionalId: new Types.ObjectId(actor.id) });
  }

  /** Marks every pending invitation of a closing team cancelled, telling each invitee. */
  async cancelAllFor(teamId: Types.ObjectId): Promise<void> {
    const pending = await this.deps.Invitation.find({ teamId, status: 'pending' }).lean<
      InvitationDoc[]
    >();
    for (const inv of pending) {
      await this.close(inv, 'cancelled').catch(() => undefined);
      if (inv.professionalId)
        this.deps.live.invitationClosed(String(inv.professionalId), String(inv._id));
    }
  }

  private async join(actor: Professional, inv: InvitationDoc): Promise<{ teamId: string }> {
    const { models, Invitation, live } = this.deps;
    this.assertOpen(inv);
    const team = await models.Team.findById(inv.teamId).lean<TeamDoc>();
    if (!team) throw notFound();
    if (team.closure) throw new AppError('team_closed');
    if (team.consent.withdrawnAt) throw new AppError('read_only');
    if (inv.asMedecinTraitant && actor.profession !== 'medecin')
      throw new AppError('not_a_physician');
    const actorId = new Types.ObjectId(actor.id);
    if (await isCurrentMember(models, team._id, actorId)) throw new AppError('already_member');

    // Claim the invitation first (compare-and-set on pending): of two concurrent uses, one wins.
    const now = this.now();
    const claimed = await Invitation.updateOne(
      { _id: inv._id, status: 'pending' },
      {
        $set: {
          status: 'accepted',
          respondedAt: now,
          professionalId: actorId,
          openKey: `${inv.openKey}|${String(inv._id)}`,
        },
      },
    );
    if (claimed.modifiedCount !== 1) throw new AppError('invitation_used');
    try {
      await addMember(models, team._id, actorId, now);
    } catch (err) {
      // Give the invitation back rather than leave it used with nobody joined.
      await Invitation.updateOne(
        { _id: inv._id },
        {
          $set: {
            status: 'pending',
            respondedAt: null,
            professionalId: inv.professionalId,
            openKey: inv.openKey,
          },
        },
      );
      throw err;
    }
    if (inv.asMedecinTraitant) {
      await models.Team.updateOne(
        { _id: team._id },
        { $set: { medecinTraitantId: actorId, medecinTraitantEmail: null } },
      );
    }
    const { status } = await refreshStatus(models, team._id, now, actorId);
    await this.deps.audit.record({
      teamId: team._id,
      actorId,
      action: 'invitation.accept',
      detail: `invitation:${String(inv._id)}`,
    });
    const teamId = String(team._id);
    live.joined(teamId, actor.id);
    live.invitationClosed(actor.id, String(inv._id));
    live.changed(teamId, status);
    return { teamId };
  }

  private async findOwn(actor: Professional, invitationId: string): Promise<InvitationDoc> {
    const id = parseObjectId(invitationId);
    const inv = id
      ? await this.deps.Invitation.findOne({
          _id: id,
          professionalId: new Types.ObjectId(actor.id),
        }).lean<InvitationDoc>()
      : null;
    if (!inv) throw notFound();
    return inv;
  }

  private async findByToken(token: string): Promise<InvitationDoc> {
    if (!/^[\w-]{20,100}$/.test(token)) throw notFound();
    const inv = await this.deps.Invitation.findOne({
      tokenHash: hashToken(token),
    }).lean<InvitationDoc>();
    if (!inv) throw notFound();
    return inv;
  }

  private assertOpen(inv: InvitationDoc): void {
    const status = invitationStatus(inv, this.now());
    if (status === 'expired') throw new AppError('invitation_expired');
    if (status !== 'pending') throw new AppError('invitation_used');
  }

  /** Answers an invitation (compare-and-set on pending) and frees its key for a later one. */
  private async close(inv: InvitationDoc, status: 'declined' | 'cancelled'): Promise<void> {
    const res = await this.deps.Invitation.updateOne(
      { _id: inv._id, status: 'pending' },
      { $set: { status, respondedAt: this.now(), openKey: `${inv.openKey}|${String(inv._id)}` } },
    );
    if (res.modifiedCount !== 1) throw new AppError('invitation_used');
  }

  /** An expired invitation no longer blocks inviting the same person again. */
  private async releaseExpiredKey(key: string, now: Date): Promise<void> {
    const stale = await this.deps.Invitation.findOne({
      openKey: key,
      expiresAt: { $lte: now },
    }).lean<InvitationDoc>();
    if (stale) {
      await this.deps.Invitation.updateOne(
        { _id: stale._id, openKey: key },
        { $set: { openKey: `${key}|${String(stale._id)}` } },
      );
    }
  }
}

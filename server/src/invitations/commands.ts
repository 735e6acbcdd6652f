import { Types, type Model } from 'mongoose';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import { writeBlock } from '../../../shared/src/rules/activation.js';
import type { InvitationView } from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { newSessionToken } from '../auth/tokens.js';
import type { CommandRunner, CommandScope } from '../commands/command.js';
import { isDuplicateKey } from '../db/errors.js';
import { AppError, notFound } from '../http/errors.js';
import { parseObjectId, type MemberContext } from '../teams/access.js';
import { addMember, isCurrentMember } from '../teams/memberships.js';
import type { TeamDoc, TeamModels } from '../teams/model.js';
import { authorize } from '../teams/policy.js';
import { lockAsMember, lockTeam, settleStatus } from '../teams/state.js';
import { invitationStatus, loadRefs, toInvitationView } from '../teams/views.js';
import { openKeyFor, type InvitationDoc } from './model.js';
import type { PhysicianCheck } from '../directory/service.js';
import type { InvitationAddressee } from './addressee.js';
import { findByToken, type Invitee, type InvitationService } from './service.js';

export interface InvitationCommandDeps {
  models: TeamModels;
  /** Who may claim an e-mail invitation's link (addressee.ts). */
  addressee: InvitationAddressee;
  /** Sends a new e-mail invitation's link to its address (no-op without a mailer). */
  mailLink?: (email: string, invitedBy: string, link: string) => void;
  /** Whether the directory lets this professional be médecin traitant (directory/service.ts). */
  physicians: PhysicianCheck;
  Invitation: Model<InvitationDoc>;
  Professional: Model<ProfessionalDoc>;
  commands: CommandRunner;
  query: InvitationService;
  ttlMs: number;
  now: () => Date;
}

/**
 * Invitations as commands (docs/architecture.md, "Commands"): each one locks the team, checks
 * the policy and the invitation's state, writes, recomputes the status when membership changed,
 * and audits, in one transaction; live events and notifications leave through the outbox.
 */
export class InvitationCommands {
  constructor(private readonly deps: InvitationCommandDeps) {}

  /** Invite from the team page: managers only, on a writable team. */
  async invite(
    ctx: MemberContext,
    input: {
      invitee: { rpps: string } | { email: string };
      asMedecinTraitant?: boolean | undefined;
    },
    baseUrl: string,
  ): Promise<{ invitation: InvitationView; link?: string | undefined }> {
    const invitee = await this.deps.query.resolveInvitee(input.invitee);
    const { doc, token } = await this.deps.commands.run('invitation.create', async (scope) => {
      const fresh = await lockAsMember(this.deps.models, scope, ctx.team._id, ctx.actor);
      authorize(fresh, 'member.invite');
      const created = await this.createInScope(scope, fresh.team, fresh.actorId, invitee, {
        asMedecinTraitant: input.asMedecinTraitant ?? false,
      });
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'invitation.create',
        detail: `invitation:${String(created.doc._id)}`,
      });
      scope.emit({
        kind: 'team.changed',
        teamId: String(fresh.team._id),
        status: fresh.team.status,
      });
      return created;
    });
    return this.created(doc, token, baseUrl);
  }

  /** The view of a created invitation, and its single-use link for an e-mail invitation. */
  async created(doc: InvitationDoc, token: string | undefined, baseUrl: string) {
    const ref = await loadRefs(this.deps.Professional, [doc.invitedBy, doc.professionalId]);
    const link = token ? `${baseUrl}/invitation/${token}` : undefined;
    if (link && doc.email) {
      const by = ref(doc.invitedBy);
      this.deps.mailLink?.(doc.email, `${by.firstName} ${by.lastName}`, link);
    }
    return { invitation: toInvitationView(doc, ref, this.deps.now()), link };
  }

  /**
   * Writes an invitation in the caller's command (an invitation, or the médecin traitant's at
   * team creation). The unique `openKey` refuses a second pending one of the same person.
   */
  async createInScope(
    scope: CommandScope,
    team: TeamDoc,
    invitedBy: Types.ObjectId,
    invitee: Invitee,
    opts: { asMedecinTraitant: boolean },
  ): Promise<{ doc: InvitationDoc; token: string | undefined }> {
    const { models, Invitation } = this.deps;
    const { session, now } = scope;
    if ('professional' in invitee) {
      if (opts.asMedecinTraitant)
        await this.deps.physicians.assert(invitee.professional, 'invitee');
      if (await isCurrentMember(models, team._id, invitee.professional._id, session)) {
        throw new AppError('already_member', { field: 'invitee' });
      }
      // Invited earlier by e-mail, before signing up with that address: the same person.
      const byEmail = await Invitation.exists({
        openKey: openKeyFor(team._id, { email: invitee.professional.email }),
        status: 'pending',
        expiresAt: { $gt: now },
      }).session(session);
      if (byEmail) throw new AppError('already_invited', { field: 'invitee' });
    }
    const key = openKeyFor(
      team._id,
      'professional' in invitee
        ? { professionalId: String(invitee.professional._id) }
        : { email: invitee.email },
    );
    await this.releaseExpiredKey(scope, key);
    const token = 'email' in invitee ? newSessionToken() : undefined;
    const _id = new Types.ObjectId();
    try {
      await Invitation.create(
        [
          {
            _id,
            teamId: team._id,
            invitedBy,
            professionalId: 'professional' in invitee ? invitee.professional._id : null,
            email: 'email' in invitee ? invitee.email : null,
            asMedecinTraitant: opts.asMedecinTraitant,
            status: 'pending',
            tokenHash: token?.id ?? null,
            openKey: key,
            expiresAt: new Date(now.getTime() + this.deps.ttlMs),
          },
        ],
        { session },
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('already_invited', { field: 'invitee' });
      throw err;
    }
    const doc = await Invitation.findById(_id).session(session).lean<InvitationDoc>();
    if (doc!.professionalId) {
      scope.emit(
        { kind: 'invitation.received', invitationId: String(_id) },
        {
          kind: 'notify',
          recipients: [String(doc!.professionalId)],
          notification: {
            kind: 'invitation',
            teamId: String(team._id),
            actorId: String(invitedBy),
            // Whether it is as médecin traitant: a role, not health data.
            data: {
              invitationId: String(_id),
              asMedecinTraitant: String(doc!.asMedecinTraitant),
            },
          },
        },
      );
    }
    return { doc: doc!, token: token?.token };
  }

  async cancel(ctx: MemberContext, invitationId: string): Promise<void> {
    await this.deps.commands.run('invitation.cancel', async (scope) => {
      const fresh = await lockAsMember(this.deps.models, scope, ctx.team._id, ctx.actor);
      authorize(fresh, 'invitation.cancel');
      const id = parseObjectId(invitationId);
      const inv = id
        ? await this.deps.Invitation.findOne({ _id: id, teamId: fresh.team._id })
            .session(scope.session)
            .lean<InvitationDoc>()
        : null;
      if (!inv) throw notFound();
      await this.closeInScope(scope, inv, 'cancelled');
      await this.dropDesignation(scope, inv);
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'invitation.cancel',
        detail: `invitation:${invitationId}`,
      });
      scope.emit({
        kind: 'team.changed',
        teamId: String(fresh.team._id),
        status: fresh.team.status,
      });
    });
  }

  async accept(actor: Professional, invitationId: string): Promise<{ teamId: string }> {
    return this.deps.commands.run('invitation.accept', async (scope) => {
      const inv = await this.findOwn(scope, actor, invitationId);
      return this.join(scope, actor, inv);
    });
  }

  async decline(actor: Professional, invitationId: string): Promise<void> {
    await this.deps.commands.run('invitation.decline', async (scope) => {
      const inv = await this.findOwn(scope, actor, invitationId);
      const team = await lockTeam(this.deps.models, scope, inv.teamId);
      this.assertOpen(inv, scope.now);
      await this.closeInScope(scope, inv, 'declined');
      await this.dropDesignation(scope, inv);
      scope.audit({
        teamId: inv.teamId,
        actorId: new Types.ObjectId(actor.id),
        action: 'invitation.decline',
        detail: `invitation:${invitationId}`,
      });
      scope.emit({ kind: 'team.changed', teamId: String(team._id), status: team.status });
    });
  }

  /**
   * The signed-in professional uses a single-use link: the invitation becomes theirs and they
   * join, if the link is theirs: their verified address is the invited one, or they give the
   * code sent to it (addressee.ts). Checked before the command, so wrong codes are counted.
   */
  async claim(actor: Professional, token: string, code?: string): Promise<{ teamId: string }> {
    const found = await findByToken(this.deps.Invitation, token);
    this.assertOpen(found, this.deps.now());
    await this.deps.addressee.assertMayClaim(actor, found, code);
    return this.deps.commands.run('invitation.claim', async (scope) => {
      const inv = await this.deps.Invitation.findById(found._id)
        .session(scope.session)
        .lean<InvitationDoc>();
      if (!inv) throw notFound();
      return this.join(scope, actor, { ...inv, professionalId: new Types.ObjectId(actor.id) });
    });
  }

  /** Closing a team: every pending invitation is cancelled with it, each invitee told. */
  async cancelAllInScope(scope: CommandScope, teamId: Types.ObjectId): Promise<void> {
    const pending = await this.deps.Invitation.find({ teamId, status: 'pending' })
      .session(scope.session)
      .lean<InvitationDoc[]>();
    for (const inv of pending) await this.closeInScope(scope, inv, 'cancelled');
  }

  /** Accepting (own invitation or a claimed link), inside the command's transaction. */
  private async join(
    scope: CommandScope,
    actor: Professional,
    inv: InvitationDoc,
  ): Promise<{ teamId: string }> {
    const { models, Invitation } = this.deps;
    const { session, now } = scope;
    const team = await lockTeam(models, scope, inv.teamId);
    this.assertOpen(inv, now);
    const blocked = writeBlock({
      closed: team.closure != null,
      consentInForce: team.consent.withdrawnAt == null,
    });
    if (blocked) throw new AppError(blocked);
    if (inv.asMedecinTraitant) await this.deps.physicians.assert(actor);
    const actorId = new Types.ObjectId(actor.id);
    if (await isCurrentMember(models, team._id, actorId, session))
      throw new AppError('already_member');

    // Compare-and-set on pending: of two concurrent uses, one wins (the other is retried by
    // the transaction, then finds it answered).
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
      { session },
    );
    if (claimed.modifiedCount !== 1) throw new AppError('invitation_used');
    await addMember(models, session, team._id, actorId, now);
    // Another invitation still open for the same person (by RPPS and by e-mail, say) has no
    // object once they are in: it is answered with this one.
    const others = await Invitation.find({
      teamId: team._id,
      status: 'pending',
      _id: { $ne: inv._id },
      $or: [{ professionalId: actorId }, { email: actor.email }],
    })
      .session(session)
      .lean<InvitationDoc[]>();
    for (const other of others) await this.closeInScope(scope, other, 'cancelled');
    if (inv.asMedecinTraitant) {
      await models.Team.updateOne(
        { _id: team._id },
        { $set: { medecinTraitantId: actorId, medecinTraitantEmail: null } },
        { session },
      );
    }
    const { status } = await settleStatus(models, scope, team._id, actorId);
    scope.audit({
      teamId: team._id,
      actorId,
      action: 'invitation.accept',
      detail: `invitation:${String(inv._id)}`,
    });
    const teamId = String(team._id);
    scope.emit(
      { kind: 'team.joined', teamId, professionalId: actor.id },
      { kind: 'invitation.closed', professionalId: actor.id, invitationId: String(inv._id) },
      { kind: 'team.changed', teamId, status },
    );
    return { teamId };
  }

  private async findOwn(
    scope: CommandScope,
    actor: Professional,
    invitationId: string,
  ): Promise<InvitationDoc> {
    const id = parseObjectId(invitationId);
    const inv = id
      ? await this.deps.Invitation.findOne({
          _id: id,
          professionalId: new Types.ObjectId(actor.id),
        })
          .session(scope.session)
          .lean<InvitationDoc>()
      : null;
    if (!inv) throw notFound();
    return inv;
  }

  private assertOpen(inv: InvitationDoc, now: Date): void {
    const status = invitationStatus(inv, now);
    if (status === 'expired') throw new AppError('invitation_expired');
    if (status !== 'pending') throw new AppError('invitation_used');
  }

  /** Answers an invitation (compare-and-set on pending) and frees its key for a later one. */
  private async closeInScope(
    scope: CommandScope,
    inv: InvitationDoc,
    status: 'declined' | 'cancelled',
  ): Promise<void> {
    const res = await this.deps.Invitation.updateOne(
      { _id: inv._id, status: 'pending' },
      { $set: { status, respondedAt: scope.now, openKey: `${inv.openKey}|${String(inv._id)}` } },
      { session: scope.session },
    );
    if (res.modifiedCount !== 1) throw new AppError('invitation_used');
    if (inv.professionalId)
      scope.emit({
        kind: 'invitation.closed',
        professionalId: String(inv.professionalId),
        invitationId: String(inv._id),
      });
  }

  /**
   * A cancelled or declined invitation "as médecin traitant" takes back the designation it
   * stood for (the e-mail address, or the invited professional who is not a member): the team
   * shows "Non désigné" again, not a pending invitation that no longer exists.
   */
  private async dropDesignation(scope: CommandScope, inv: InvitationDoc): Promise<void> {
    if (!inv.asMedecinTraitant) return;
    const { models } = this.deps;
    if (inv.email)
      await models.Team.updateOne(
        { _id: inv.teamId, medecinTraitantEmail: inv.email },
        { $set: { medecinTraitantEmail: null } },
        { session: scope.session },
      );
    if (
      inv.professionalId &&
      !(await isCurrentMember(models, inv.teamId, inv.professionalId, scope.session))
    )
      await models.Team.updateOne(
        { _id: inv.teamId, medecinTraitantId: inv.professionalId },
        { $set: { medecinTraitantId: null } },
        { session: scope.session },
      );
  }

  /** An expired invitation no longer blocks inviting the same person again. */
  private async releaseExpiredKey(scope: CommandScope, key: string): Promise<void> {
    const stale = await this.deps.Invitation.findOne({
      openKey: key,
      expiresAt: { $lte: scope.now },
    })
      .session(scope.session)
      .lean<InvitationDoc>();
    if (stale) {
      await this.deps.Invitation.updateOne(
        { _id: stale._id, openKey: key },
        { $set: { openKey: `${key}|${String(stale._id)}` } },
        { session: scope.session },
      );
    }
  }
}

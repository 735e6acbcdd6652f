import { Types } from 'mongoose';
import { termEnd } from '../../../shared/src/rules/activation.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { Inclusion } from '../../../shared/src/schemas/patient.js';
import type { CreateTeam } from '../../../shared/src/schemas/teams.js';
import type { TeamView } from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { AuditAction } from '../audit/service.js';
import { AppError } from '../http/errors.js';
import { requireManager, requireWritable, type MemberContext } from './access.js';
import { currentMemberIds, endMembership } from './memberships.js';
import type { TeamService, TeamServiceDeps } from './service.js';
import { refreshStatus } from './status.js';

/**
 * What changes a team's composition or state after its creation: members leaving or removed,
 * the médecin traitant replaced, consent withdrawn and given again, renewal, closure. Each
 * change recomputes the status (stored with its time), is audited and is sent live.
 */
export class TeamLifecycle {
  private readonly now: () => Date;
  constructor(
    private readonly deps: TeamServiceDeps,
    private readonly teams: TeamService,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  async leave(actor: Professional, teamId: string): Promise<void> {
    const ctx = await this.teams.member(actor, teamId);
    requireWritable(ctx);
    await this.endMember(ctx, ctx.actorId, 'left', 'member.leave');
  }

  async removeMember(
    actor: Professional,
    teamId: string,
    professionalId: string,
  ): Promise<TeamView> {
    const ctx = await this.teams.member(actor, teamId);
    requireManager(ctx);
    requireWritable(ctx);
    if (!/^[a-f\d]{24}$/i.test(professionalId)) throw new AppError('not_member');
    await this.endMember(ctx, new Types.ObjectId(professionalId), 'removed', 'member.remove');
    return this.teams.reload(ctx);
  }

  /** Switches the médecin traitant to a current member who is a médecin. */
  async setMedecinTraitant(
    actor: Professional,
    teamId: string,
    professionalId: string,
  ): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.teams.member(actor, teamId);
    requireManager(ctx);
    requireWritable(ctx);
    const target = new Types.ObjectId(professionalId);
    if (
      !(await models.Membership.exists({
        teamId: ctx.team._id,
        professionalId: target,
        leftAt: null,
      }))
    ) {
      throw new AppError('not_member', { field: 'professionalId' });
    }
    const professional = await this.deps.Professional.findById(target).lean<ProfessionalDoc>();
    if (professional?.profession !== 'medecin')
      throw new AppError('not_a_physician', { field: 'professionalId' });
    await models.Team.updateOne(
      { _id: ctx.team._id },
      { $set: { medecinTraitantId: target, medecinTraitantEmail: null } },
    );
    return this.afterChange(ctx, 'medecin_traitant.set', `professional:${professionalId}`);
  }

  /** Consent withdrawn (honoured at once): the file becomes read-only and live sockets leave the team. */
  async withdrawConsent(actor: Professional, teamId: string): Promise<TeamView> {
    const ctx = await this.teams.member(actor, teamId);
    requireWritable(ctx);
    const now = this.now();
    await this.deps.models.Team.updateOne(
      { _id: ctx.team._id, 'consent.withdrawnAt': null },
      { $set: { 'consent.withdrawnAt': now, 'consent.withdrawnBy': ctx.actorId } },
    );
    const { status } = await refreshStatus(this.deps.models, ctx.team._id, now, ctx.actorId);
    await this.teams.audit(ctx, 'consent.withdraw');
    this.deps.live.frozen(teamId, status);
    return this.teams.reload(ctx);
  }

  /** A new consent after a withdrawal: the team can be active again. */
  async recordConsent(
    actor: Professional,
    teamId: string,
    consent: CreateTeam['consent'],
  ): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.teams.member(actor, teamId);
    requireWritable(ctx, { allowWithdrawnConsent: true });
    if (ctx.team.consent.withdrawnAt == null) throw new AppError('consent_in_force');
    const now = this.now();
    const res = await models.Team.updateOne(
      { _id: ctx.team._id, 'consent.withdrawnAt': { $ne: null } },
      {
        $set: {
          consent: {
            date: consent.date,
            method: consent.method,
            recordedBy: ctx.actorId,
            recordedAt: now,
            withdrawnAt: null,
            withdrawnBy: null,
          },
        },
      },
    );
    if (res.modifiedCount !== 1) throw new AppError('consent_in_force');
    const { status } = await refreshStatus(models, ctx.team._id, now, ctx.actorId);
    await this.teams.audit(ctx, 'consent.record');
    this.deps.live.thawed(teamId, await currentMemberIds(models, ctx.team._id));
    this.deps.live.changed(teamId, status);
    return this.teams.reload(ctx);
  }

  /** A new one-year term with a new inclusion scoring, starting when the current one ends. */
  async renew(actor: Professional, teamId: string, inclusion: Inclusion): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.teams.member(actor, teamId);
    requireManager(ctx);
    requireWritable(ctx);
    if (!ctx.team.everActive || !ctx.team.termEndsAt) throw new AppError('not_yet_active');
    this.teams.checkScore(inclusion);
    const now = this.now();
    const start = ctx.team.termEndsAt > now ? ctx.team.termEndsAt : now;
    await this.teams.recordInclusion(ctx.team._id, inclusion, ctx.actorId, now);
    await models.Team.updateOne(
      { _id: ctx.team._id },
      {
        $set: {
          termNumber: ctx.team.termNumber + 1,
          termStartedAt: start,
          termEndsAt: termEnd(start),
        },
      },
    );
    return this.afterChange(ctx, 'team.renew');
  }

  async close(
    actor: Professional,
    teamId: string,
    input: { reason: string; comment?: string | undefined },
  ): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.teams.member(actor, teamId);
    requireManager(ctx);
    requireWritable(ctx, { allowWithdrawnConsent: true });
    const now = this.now();
    const res = await models.Team.updateOne(
      { _id: ctx.team._id, closure: null },
      {
        $set: {
          closure: { reason: input.reason, comment: input.comment, at: now, by: ctx.actorId },
        },
      },
    );
    if (res.modifiedCount !== 1) throw new AppError('team_closed');
    await this.deps.invitations.cancelAllFor(ctx.team._id);
    const { status } = await refreshStatus(models, ctx.team._id, now, ctx.actorId);
    await this.teams.audit(ctx, 'team.close');
    this.deps.live.frozen(teamId, status);
    // After a consent withdrawal the sockets already left the team room: reach them directly.
    if (ctx.team.consent.withdrawnAt != null) {
      this.deps.live.changedFor(await currentMemberIds(models, ctx.team._id), teamId, status);
    }
    return this.teams.reload(ctx);
  }

  private async endMember(
    ctx: MemberContext,
    professionalId: Types.ObjectId,
    reason: 'left' | 'removed',
    action: AuditAction,
  ): Promise<void> {
    const now = this.now();
    if (!(await endMembership(this.deps.models, ctx.team._id, professionalId, now, reason))) {
      throw new AppError('not_member', { field: 'professionalId' });
    }
    const { status } = await refreshStatus(this.deps.models, ctx.team._id, now, ctx.actorId);
    await this.teams.audit(ctx, action, `professional:${String(professionalId)}`);
    const teamId = String(ctx.team._id);
    this.deps.live.left(teamId, String(professionalId));
    this.deps.live.changed(teamId, status);
  }

  private async afterChange(
    ctx: MemberContext,
    action: AuditAction,
    detail?: string,
  ): Promise<TeamView> {
    const { status } = await refreshStatus(this.deps.models, ctx.team._id, this.now(), ctx.actorId);
    await this.teams.audit(ctx, action, detail);
    this.deps.live.changed(String(ctx.team._id), status);
    return this.teams.reload(ctx);
  }
}

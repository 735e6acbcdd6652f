import { Types, type Model } from 'mongoose';
import { termEnd } from '../../../shared/src/rules/activation.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { GridDefinition } from '../../../shared/src/grid/definition.js';
import { scoreGrid, type GridScore } from '../../../shared/src/grid/score.js';
import type { Inclusion } from '../../../shared/src/schemas/patient.js';
import type { CreateTeam } from '../../../shared/src/schemas/teams.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { AuditAction } from '../audit/service.js';
import type { CommandRunner, CommandScope } from '../commands/command.js';
import { AppError } from '../http/errors.js';
import type { PhysicianCheck } from '../directory/service.js';
import type { InvitationCommands } from '../invitations/commands.js';
import type { InvitationDoc } from '../invitations/model.js';
import type { Invitee, InvitationService } from '../invitations/service.js';
import { parseObjectId, type MemberContext } from './access.js';
import { addMember, currentMemberIds, endMembership, isCurrentMember } from './memberships.js';
import type { TeamDoc, TeamModels } from './model.js';
import { authorize } from './policy.js';
import { lockAsMember, lockTeam, settleStatus } from './state.js';

export interface TeamCommandDeps {
  models: TeamModels;
  Professional: Model<ProfessionalDoc>;
  commands: CommandRunner;
  invitations: InvitationService;
  invitationCommands: InvitationCommands;
  /** Who may be médecin traitant (the profession, and the directory when one is loaded). */
  physicians: PhysicianCheck;
  /** The inclusion grid in force: every inclusion and renewal is scored with it. */
  grid: GridDefinition;
}

export type PatientUpdate = {
  identity?: CreateTeam['patient']['identity'] | undefined;
  ins?: string | null | undefined;
  contact?: CreateTeam['patient']['contact'] | undefined;
};

/**
 * Every change of a team's state, each ONE command in ONE transaction (docs/architecture.md,
 * "Commands"): lock the team, check the policy on what the transaction reads, write, recompute
 * the status from the same reads, store its event, audit; live events and notifications go to
 * the outbox and leave after the commit. A refused or failed command writes nothing at all.
 */
export class TeamCommands {
  constructor(private readonly deps: TeamCommandDeps) {}

  /** The inclusion grid every creation and renewal is scored with. */
  get grid(): GridDefinition {
    return this.deps.grid;
  }

  /**
   * Creates the team with its patient file, first inclusion, the creator's membership and, when
   * the médecin traitant is someone else, their invitation.
   */
  async create(
    actor: Professional,
    input: CreateTeam,
  ): Promise<{ teamId: string; invitation?: { doc: InvitationDoc; token: string | undefined } }> {
    const { models } = this.deps;
    const scored = this.scoreInclusion(input.inclusion);
    const actorId = new Types.ObjectId(actor.id);
    const mt = await this.resolveMedecinTraitant(actor, input.medecinTraitant);
    const teamId = new Types.ObjectId();
    return this.deps.commands.run('team.create', async (scope) => {
      const { session, now } = scope;
      await models.Team.create(
        [
          {
            _id: teamId,
            createdBy: actorId,
            medecinTraitantId:
              mt === 'self' ? actorId : 'professional' in mt ? mt.professional._id : null,
            medecinTraitantEmail: mt !== 'self' && 'email' in mt ? mt.email : null,
            status: 'pending',
            revision: 0,
            consent: {
              date: input.consent.date,
              method: input.consent.method,
              recordedBy: actorId,
              recordedAt: now,
            },
          },
        ],
        { session },
      );
      await models.StatusEvent.create([{ teamId, status: 'pending', at: now }], { session });
      await models.Patient.create(
        [
          {
            _id: teamId,
            identity: input.patient.identity,
            ins: input.patient.ins ?? null,
            contact: input.patient.contact ?? {},
          },
        ],
        { session },
      );
      await this.recordInclusion(scope, teamId, input.inclusion, scored, actorId);
      await addMember(models, session, teamId, actorId, now, true);
      const team = await lockTeam(models, scope, teamId);
      const invitation =
        mt === 'self'
          ? undefined
          : await this.deps.invitationCommands.createInScope(scope, team, actorId, mt, {
              asMedecinTraitant: true,
            });
      await settleStatus(models, scope, teamId, actorId);
      scope.audit({ teamId, actorId, action: 'team.create' });
      // The creator's open sockets follow the new team at once.
      scope.emit({ kind: 'team.joined', teamId: String(teamId), professionalId: actor.id });
      return { teamId: String(teamId), ...(invitation ? { invitation } : {}) };
    });
  }

  async updatePatient(ctx: MemberContext, update: PatientUpdate): Promise<void> {
    await this.onMember(ctx, 'patient.update', async (scope, fresh) => {
      authorize(fresh, 'patient.update');
      const set: Record<string, unknown> = {};
      if (update.identity) set.identity = update.identity;
      if (update.ins !== undefined) set.ins = update.ins;
      if (update.contact) set.contact = update.contact;
      if (Object.keys(set).length > 0)
        await this.deps.models.Patient.updateOne(
          { _id: fresh.team._id },
          { $set: set },
          { session: scope.session },
        );
      scope.emit({
        kind: 'team.changed',
        teamId: String(fresh.team._id),
        status: fresh.team.status,
      });
    });
  }

  async leave(ctx: MemberContext): Promise<void> {
    await this.onMember(ctx, 'member.leave', async (scope, fresh) => {
      authorize(fresh, 'member.leave');
      await this.endMember(scope, fresh, fresh.actorId, 'left');
    });
  }

  async removeMember(ctx: MemberContext, professionalId: string): Promise<void> {
    await this.onMember(
      ctx,
      'member.remove',
      async (scope, fresh) => {
        authorize(fresh, 'member.remove');
        const target = parseObjectId(professionalId);
        if (!target) throw new AppError('not_member');
        await this.endMember(scope, fresh, target, 'removed');
      },
      `professional:${professionalId}`,
    );
  }

  /** Switches the médecin traitant to a current member who is a médecin. */
  async setMedecinTraitant(ctx: MemberContext, professionalId: string): Promise<void> {
    const { models } = this.deps;
    await this.onMember(
      ctx,
      'medecin_traitant.set',
      async (scope, fresh) => {
        authorize(fresh, 'medecin_traitant.set');
        const target = parseObjectId(professionalId);
        if (!target || !(await isCurrentMember(models, fresh.team._id, target, scope.session)))
          throw new AppError('not_member', { field: 'professionalId' });
        const professional = await this.deps.Professional.findById(target).lean<ProfessionalDoc>();
        if (!professional) throw new AppError('not_member', { field: 'professionalId' });
        await this.deps.physicians.assert(professional, 'professionalId');
        await models.Team.updateOne(
          { _id: fresh.team._id },
          { $set: { medecinTraitantId: target, medecinTraitantEmail: null } },
          { session: scope.session },
        );
        const { status } = await settleStatus(models, scope, fresh.team._id, fresh.actorId);
        scope.emit({ kind: 'team.changed', teamId: String(fresh.team._id), status });
      },
      `professional:${professionalId}`,
    );
  }

  /** Consent withdrawn (honoured at once): the file becomes read-only and live sockets leave the team. */
  async withdrawConsent(ctx: MemberContext): Promise<void> {
    await this.onMember(ctx, 'consent.withdraw', async (scope, fresh) => {
      authorize(fresh, 'consent.withdraw');
      await this.deps.models.Team.updateOne(
        { _id: fresh.team._id },
        { $set: { 'consent.withdrawnAt': scope.now, 'consent.withdrawnBy': fresh.actorId } },
        { session: scope.session },
      );
      const { status } = await settleStatus(this.deps.models, scope, fresh.team._id, fresh.actorId);
      scope.emit({ kind: 'team.frozen', teamId: String(fresh.team._id), status });
    });
  }

  /** A new consent after a withdrawal: the team can be active again. */
  async recordConsent(ctx: MemberContext, consent: CreateTeam['consent']): Promise<void> {
    const { models } = this.deps;
    await this.onMember(ctx, 'consent.record', async (scope, fresh) => {
      authorize(fresh, 'consent.record');
      const { session, now } = scope;
      await models.Team.updateOne(
        { _id: fresh.team._id },
        {
          $set: {
            consent: {
              date: consent.date,
              method: consent.method,
              recordedBy: fresh.actorId,
              recordedAt: now,
              withdrawnAt: null,
              withdrawnBy: null,
            },
          },
        },
        { session },
      );
      const { status } = await settleStatus(models, scope, fresh.team._id, fresh.actorId);
      const teamId = String(fresh.team._id);
      scope.emit(
        {
          kind: 'team.thawed',
          teamId,
          professionalIds: await currentMemberIds(models, fresh.team._id, session),
        },
        { kind: 'team.changed', teamId, status },
      );
    });
  }

  /** A new one-year term with a new inclusion scoring, starting when the current one ends. */
  async renew(ctx: MemberContext, inclusion: Inclusion): Promise<void> {
    const { models } = this.deps;
    await this.onMember(ctx, 'team.renew', async (scope, fresh) => {
      authorize(fresh, 'team.renew');
      if (!fresh.team.termEndsAt) throw new AppError('not_yet_active');
      // Re-scored with the grid in force now, whatever grid the previous term was scored with.
      const scored = this.scoreInclusion(inclusion);
      const { now, session } = scope;
      const start = fresh.team.termEndsAt > now ? fresh.team.termEndsAt : now;
      await this.recordInclusion(scope, fresh.team._id, inclusion, scored, fresh.actorId);
      await models.Team.updateOne(
        { _id: fresh.team._id },
        {
          $set: {
            termNumber: fresh.team.termNumber + 1,
            termStartedAt: start,
            termEndsAt: termEnd(start),
          },
        },
        { session },
      );
      const { status } = await settleStatus(models, scope, fresh.team._id, fresh.actorId);
      scope.emit({ kind: 'team.changed', teamId: String(fresh.team._id), status });
    });
  }

  async close(
    ctx: MemberContext,
    input: { reason: string; comment?: string | undefined },
  ): Promise<void> {
    const { models } = this.deps;
    await this.onMember(ctx, 'team.close', async (scope, fresh) => {
      authorize(fresh, 'team.close');
      const { session, now } = scope;
      await models.Team.updateOne(
        { _id: fresh.team._id },
        {
          $set: {
            closure: { reason: input.reason, comment: input.comment, at: now, by: fresh.actorId },
          },
        },
        { session },
      );
      await this.deps.invitationCommands.cancelAllInScope(scope, fresh.team._id);
      const { status } = await settleStatus(models, scope, fresh.team._id, fresh.actorId);
      const teamId = String(fresh.team._id);
      scope.emit({ kind: 'team.frozen', teamId, status });
      // After a consent withdrawal the sockets already left the team room: reach them directly.
      if (fresh.team.consent.withdrawnAt != null) {
        scope.emit({
          kind: 'team.changed_for',
          teamId,
          status,
          professionalIds: await currentMemberIds(models, fresh.team._id, session),
        });
      }
    });
  }

  /**
   * A term that ran out changes the status with nobody acting: the same command shape, with
   * no actor and no policy (the system acts). Returns whether the status changed.
   */
  async settleTerm(teamId: Types.ObjectId): Promise<boolean> {
    return this.deps.commands.run('team.term_end', async (scope) => {
      const team = await lockTeam(this.deps.models, scope, teamId);
      if (team.status !== 'active' || !team.termEndsAt || team.termEndsAt > scope.now) return false;
      const { status, changed } = await settleStatus(this.deps.models, scope, teamId);
      if (changed) scope.emit({ kind: 'team.changed', teamId: String(teamId), status });
      return changed;
    });
  }

  /**
   * Scores an inclusion with the grid in force (the shared rule the form shows live): the form
   * must have scored the same version, tick one known level of every factor that counts, and
   * reach the threshold of its scale (13/26, or 14/28 for a pregnant patient by default).
   */
  scoreInclusion(inclusion: Inclusion): GridScore {
    const { grid } = this.deps;
    if (inclusion.gridVersion !== grid.version)
      throw new AppError('grid_outdated', { field: 'inclusion.gridVersion' });
    if (!grid.categories.some((c) => c.id === inclusion.category))
      throw new AppError('validation_failed', {
        field: 'inclusion.category',
        message: 'Cette situation ne fait pas partie de la grille en vigueur.',
      });
    const scored = scoreGrid(grid, inclusion.answers, inclusion.pregnant);
    const wrong = scored.unknown[0] ?? scored.missing[0];
    if (wrong !== undefined)
      throw new AppError('grid_incomplete', { field: `inclusion.answers.${wrong}` });
    if (!scored.reached) {
      throw new AppError('score_below_threshold', {
        field: 'inclusion.answers',
        message: `Le score d'inclusion (${scored.score}) est inférieur au seuil en vigueur (${scored.threshold} / ${scored.max}).`,
      });
    }
    return scored;
  }

  /** Whom the creator designates; only a médecin can be médecin traitant. */
  private async resolveMedecinTraitant(
    actor: Professional,
    input: CreateTeam['medecinTraitant'],
  ): Promise<Invitee | 'self'> {
    let mt: Invitee | 'self' =
      'self' in input ? 'self' : await this.deps.invitations.resolveInvitee(input);
    if (mt !== 'self' && 'professional' in mt && String(mt.professional._id) === actor.id)
      mt = 'self';
    const who = mt === 'self' ? actor : 'professional' in mt ? mt.professional : null;
    if (who) await this.deps.physicians.assert(who, 'medecinTraitant');
    return mt;
  }

  private async recordInclusion(
    scope: CommandScope,
    teamId: Types.ObjectId,
    inclusion: Inclusion,
    scored: GridScore,
    by: Types.ObjectId,
  ): Promise<void> {
    await this.deps.models.Inclusion.create(
      [
        {
          teamId,
          category: inclusion.category,
          gridVersion: this.deps.grid.version,
          pregnant: inclusion.pregnant,
          factors: scored.factors,
          score: scored.score,
          threshold: scored.threshold,
          gridItems: scored.max,
          recordedBy: by,
          at: scope.now,
        },
      ],
      { session: scope.session },
    );
  }

  /** A command by a member: lock, re-read the membership in the transaction, work, audit. */
  private onMember(
    ctx: MemberContext,
    action: AuditAction,
    work: (scope: CommandScope, fresh: MemberContext) => Promise<void>,
    detail?: string,
  ): Promise<void> {
    return this.deps.commands.run(action, async (scope) => {
      const fresh = await lockAsMember(this.deps.models, scope, ctx.team._id, ctx.actor);
      await work(scope, fresh);
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action,
        ...(detail ? { detail } : {}),
      });
    });
  }

  private async endMember(
    scope: CommandScope,
    ctx: MemberContext,
    professionalId: Types.ObjectId,
    reason: 'left' | 'removed',
  ): Promise<void> {
    const { models } = this.deps;
    if (
      !(await endMembership(models, scope.session, ctx.team._id, professionalId, scope.now, reason))
    )
      throw new AppError('not_member', { field: 'professionalId' });
    const { status } = await settleStatus(models, scope, ctx.team._id, ctx.actorId);
    const teamId = String(ctx.team._id);
    scope.emit(
      { kind: 'team.left', teamId, professionalId: String(professionalId) },
      { kind: 'team.changed', teamId, status },
    );
  }
}

export type { TeamDoc };

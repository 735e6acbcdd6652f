import { Types, type Model } from 'mongoose';
import type { GridDefinition } from '../../../shared/src/grid/definition.js';
import type { TeamStatus } from '../../../shared/src/rules/activation.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type {
  AuditEntryView,
  SettingsView,
  TeamSummaryView,
  TeamView,
} from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { ChatUnread } from '../chat/unread.js';
import { AUDIT_LABELS, type AuditAction, type AuditLog } from '../audit/service.js';
import type { InvitationDoc } from '../invitations/model.js';
import { isManagerOf, loadAsMember, type MemberContext } from './access.js';
import type { CommandScope } from '../commands/command.js';
import type { Session } from '../db/transaction.js';
import type { TeamCommands } from './commands.js';
import { currentMemberIds, isCurrentMember } from './memberships.js';
import type { TeamDoc, TeamModels } from './model.js';
import { lockAsMember } from './state.js';
import { buildTeamView, loadRefs } from './views.js';

export interface TeamServiceDeps {
  models: TeamModels;
  Professional: Model<ProfessionalDoc>;
  Invitation: Model<InvitationDoc>;
  audit: AuditLog;
  commands: TeamCommands;
  grid: GridDefinition;
  invitationTtlDays: number;
  /** Unread messages per team, shown in "Mes ESCAP". */
  unread: ChatUnread;
  now: () => Date;
}

/**
 * The read side of teams, and the one way other features reach team data: `member` gives the
 * context of a CURRENT member (404 for anyone else, whatever they ask), and the few questions
 * other features need answered (who is a member now, of which teams) are asked here rather
 * than of the models. Changes go through `TeamCommands`.
 */
export class TeamService {
  constructor(private readonly deps: TeamServiceDeps) {}

  settings(): SettingsView {
    return {
      eligibilityThreshold: this.deps.grid.scale.threshold,
      gridItems: this.deps.grid.scale.max,
      grid: this.deps.grid,
      invitationTtlDays: this.deps.invitationTtlDays,
    };
  }

  /** "Mes ESCAP": the teams the professional currently belongs to. */
  async list(actor: Professional): Promise<TeamSummaryView[]> {
    const { models } = this.deps;
    const actorId = new Types.ObjectId(actor.id);
    const ids = await this.teamIdsOf(actorId);
    if (ids.length === 0) return [];
    await this.settleEndedTerms(ids);
    const [teams, patients, members, unread] = await Promise.all([
      models.Team.find({ _id: { $in: ids } })
        .sort({ createdAt: -1 })
        .lean<TeamDoc[]>(),
      models.Patient.find({ _id: { $in: ids } }).lean(),
      models.Membership.find({ teamId: { $in: ids }, leftAt: null }).lean(),
      this.deps.unread.counts(actor.id, ids),
    ]);
    const patientById = new Map(patients.map((p) => [String(p._id), p]));
    await this.deps.audit.record(
      ...teams.map((t) => ({ teamId: t._id, actorId, action: 'team.list' as const })),
    );
    return teams.map((t) => {
      const identity = patientById.get(String(t._id))?.identity;
      return {
        id: String(t._id),
        patientName: identity
          ? `${identity.usedName || identity.birthName} ${identity.firstNames}`
          : '',
        status: t.status,
        termEndsAt: t.termEndsAt?.toISOString(),
        memberCount: members.filter((m) => String(m.teamId) === String(t._id)).length,
        createdAt: t.createdAt.toISOString(),
        unread: unread.get(String(t._id)) ?? 0,
      };
    });
  }

  /** The whole team for a member; the read is audited. */
  async get(ctx: MemberContext): Promise<TeamView> {
    await this.audit(ctx, 'team.read');
    return this.view(ctx);
  }

  /** Loads a team for a current member (404 for anyone else), its term settled first. */
  async member(actor: Professional, teamId: string): Promise<MemberContext> {
    const ctx = await loadAsMember(this.deps.models, teamId, actor);
    const { status, termEndsAt } = ctx.team;
    // Only an active team whose term has run out needs settling (no query otherwise).
    const ended = status === 'active' && termEndsAt != null && termEndsAt <= this.deps.now();
    if (ended && (await this.settleEndedTerms([ctx.team._id])))
      return loadAsMember(this.deps.models, teamId, actor);
    return ctx;
  }

  /**
   * A term that runs out changes the status with nobody acting. Teams are settled when read,
   * and by a periodic sweep (`createApp`), so members see the change live. Returns whether
   * any status changed.
   */
  async settleEndedTerms(teamIds?: Types.ObjectId[]): Promise<boolean> {
    const ended = await this.deps.models.Team.find({
      status: 'active',
      termEndsAt: { $lte: this.deps.now() },
      ...(teamIds ? { _id: { $in: teamIds } } : {}),
    }).lean<TeamDoc[]>();
    let any = false;
    for (const team of ended) if (await this.deps.commands.settleTerm(team._id)) any = true;
    return any;
  }

  /** Active teams whose term ends before `until`, with their current members (notices). */
  async termsEndingBefore(
    until: Date,
  ): Promise<
    { teamId: Types.ObjectId; termNumber: number; termEndsAt: Date; memberIds: string[] }[]
  > {
    const teams = await this.deps.models.Team.find({
      status: 'active',
      termEndsAt: { $gt: this.deps.now(), $lte: until },
    }).lean<TeamDoc[]>();
    return Promise.all(
      teams.map(async (t) => ({
        teamId: t._id,
        termNumber: t.termNumber,
        termEndsAt: t.termEndsAt!,
        memberIds: await currentMemberIds(this.deps.models, t._id),
      })),
    );
  }

  /** Ids of the current members of a team (recipients of its notifications, mentions...). */
  currentMemberIds(teamId: Types.ObjectId, session?: Session): Promise<string[]> {
    return currentMemberIds(this.deps.models, teamId, session);
  }

  isCurrentMember(
    teamId: Types.ObjectId,
    professionalId: Types.ObjectId,
    session?: Session,
  ): Promise<boolean> {
    return isCurrentMember(this.deps.models, teamId, professionalId, session);
  }

  /**
   * For another feature's command on a team (tasks...): takes the team lock in the command's
   * transaction and reads the member's context again there, so the policy is asked of what the
   * transaction sees (404 if no longer a member).
   */
  /** The team's status changes, oldest first (the timeline). */
  async statusHistory(ctx: MemberContext): Promise<{ status: TeamStatus; at: Date }[]> {
    const events = await this.deps.models.StatusEvent.find({ teamId: ctx.team._id })
      .sort({ at: 1, _id: 1 })
      .lean();
    return events.map((e) => ({ status: e.status, at: e.at }));
  }

  /** The patient's name as the file shows it, for a member's exports (care plan PDF). */
  async patientLabel(ctx: MemberContext): Promise<string> {
    const patient = await this.deps.models.Patient.findById(ctx.team._id).lean();
    const identity = patient?.identity;
    return identity
      ? `${identity.usedName || identity.birthName} ${identity.firstNames} (né(e) le ${identity.birthDate.split('-').reverse().join('/')})`
      : '';
  }

  lockForCommand(scope: CommandScope, ctx: MemberContext): Promise<MemberContext> {
    return lockAsMember(this.deps.models, scope, ctx.team._id, ctx.actor);
  }

  /** The teams a professional currently belongs to, among `among` when given. */
  async teamIdsOf(
    professionalId: Types.ObjectId,
    among?: Types.ObjectId[],
  ): Promise<Types.ObjectId[]> {
    const memberships = await this.deps.models.Membership.find({
      professionalId,
      leftAt: null,
      ...(among ? { teamId: { $in: among } } : {}),
    }).lean();
    return memberships.map((m) => m.teamId);
  }

  /** The team's audit log, newest first; reading it is itself recorded. */
  async auditLog(
    ctx: MemberContext,
    action: 'audit.read' | 'audit.export',
  ): Promise<AuditEntryView[]> {
    await this.audit(ctx, action);
    const entries = await this.deps.audit.list(ctx.team._id);
    const ref = await loadRefs(
      this.deps.Professional,
      entries.map((e) => e.actorId),
    );
    return entries.map((e) => ({
      at: e.at.toISOString(),
      actor: ref(e.actorId),
      action: AUDIT_LABELS[e.action as AuditAction] ?? e.action,
      detail: e.detail ?? undefined,
    }));
  }

  /** Writes one audit entry of a read by the acting member (changes audit in their command). */
  audit(ctx: MemberContext, action: AuditAction, detail?: string) {
    return this.deps.audit.record({
      teamId: ctx.team._id,
      actorId: ctx.actorId,
      action,
      ...(detail ? { detail } : {}),
    });
  }

  /** The team as this member sees it now (after a change: re-read, not the context's copy). */
  async view(ctx: MemberContext): Promise<TeamView> {
    const fresh = await this.deps.models.Team.findById(ctx.team._id).lean<TeamDoc>();
    const team = fresh ?? ctx.team;
    return buildTeamView(
      {
        models: this.deps.models,
        Professional: this.deps.Professional,
        Invitation: this.deps.Invitation,
      },
      { ...ctx, team, isManager: isManagerOf(team, ctx.actor.id) },
      this.deps.now(),
    );
  }
}

import { Types, type Model } from 'mongoose';
import type { GridDefinition } from '../../../shared/src/grid/definition.js';
import type { TeamStatus } from '../../../shared/src/rules/activation.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type {
  AuditEntryView,
  AuditPageView,
  SettingsView,
  TeamSummaryView,
  TeamView,
} from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { ChatUnread } from '../chat/unread.js';
import {
  actionsOfKind,
  auditKind,
  AUDIT_LABELS,
  type AuditAction,
  type AuditQuery,
} from '../../../shared/src/audit.js';
import { PATIENT_ACCESS_ACTOR } from '../../../shared/src/patient-access.js';
import { professionalLabel } from '../../../shared/src/glossary.js';
import type { AuditNames } from '../audit/names.js';
import type { AuditLog } from '../audit/service.js';
import type { InvitationDoc } from '../invitations/model.js';
import { isManagerOf, loadAsMember, type MemberContext } from './access.js';
import type { CommandScope } from '../commands/command.js';
import type { Session } from '../db/transaction.js';
import type { TeamCommands } from './commands.js';
import { currentMemberIds, isCurrentMember } from './memberships.js';
import type { TeamDoc, TeamModels } from './model.js';
import { activationGaps } from '../../../shared/src/rules/activation.js';
import { lockAsMember } from './state.js';
import { buildTeamView, loadRefs } from './views.js';

export interface TeamServiceDeps {
  models: TeamModels;
  Professional: Model<ProfessionalDoc>;
  Invitation: Model<InvitationDoc>;
  audit: AuditLog;
  /** Names for the journal's rows (each feature registers its own: services.ts). */
  auditNames: AuditNames;
  commands: TeamCommands;
  grid: GridDefinition;
  invitationTtlDays: number;
  /** Whether the patient's codes can go by SMS (a gateway is configured). */
  smsAvailable: boolean;
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
/** Open and overdue tasks per team, for "Mes ESCAP" (the tasks feature counts its own). */
export type TaskCounter = (
  teamIds: Types.ObjectId[],
) => Promise<Map<string, { open: number; overdue: number }>>;

/** Who a patient's grant is, in words, by grant id within one team (the journal's rows). */
export type GrantNamer = (
  teamId: Types.ObjectId,
  grantIds: Types.ObjectId[],
) => Promise<Map<string, string>>;

export class TeamService {
  #taskCounter: TaskCounter | undefined;
  #grantNamer: GrantNamer | undefined;

  constructor(private readonly deps: TeamServiceDeps) {}

  /** Set once at wiring (services.ts): tasks depend on teams, not the other way round. */
  countTasksWith(counter: TaskCounter): void {
    this.#taskCounter = counter;
  }

  /** Set once at wiring: the patient's access names its own grants in the journal. */
  nameGrantsWith(namer: GrantNamer): void {
    this.#grantNamer = namer;
  }

  settings(): SettingsView {
    return {
      eligibilityThreshold: this.deps.grid.scale.threshold,
      gridItems: this.deps.grid.scale.max,
      grid: this.deps.grid,
      invitationTtlDays: this.deps.invitationTtlDays,
      smsAvailable: this.deps.smsAvailable,
    };
  }

  /** "Mes ESCAP": the teams the professional currently belongs to. */
  async list(actor: Professional): Promise<TeamSummaryView[]> {
    const { models } = this.deps;
    const actorId = new Types.ObjectId(actor.id);
    const ids = await this.teamIdsOf(actorId);
    if (ids.length === 0) return [];
    await this.settleEndedTerms(ids);
    const [teams, patients, members, unread, tasks] = await Promise.all([
      models.Team.find({ _id: { $in: ids } })
        .sort({ createdAt: -1 })
        .lean<TeamDoc[]>(),
      models.Patient.find({ _id: { $in: ids } }).lean(),
      models.Membership.find({ teamId: { $in: ids }, leftAt: null }).lean(),
      this.deps.unread.counts(actor.id, ids),
      this.#taskCounter?.(ids) ??
        Promise.resolve(new Map<string, { open: number; overdue: number }>()),
    ]);
    const now = this.deps.now();
    const patientById = new Map(patients.map((p) => [String(p._id), p]));
    await this.deps.audit.record(
      ...teams.map((t) => ({ teamId: t._id, actorId, action: 'team.list' as const })),
    );
    return teams.map((t) => {
      const identity = patientById.get(String(t._id))?.identity;
      const memberIds = new Set(
        members
          .filter((m) => String(m.teamId) === String(t._id))
          .map((m) => String(m.professionalId)),
      );
      const gaps = activationGaps({
        closed: t.closure != null,
        memberCount: memberIds.size,
        medecinTraitantIsMember:
          t.medecinTraitantId != null && memberIds.has(String(t.medecinTraitantId)),
        consentInForce: t.consent.withdrawnAt == null,
        everActive: t.everActive,
        termEnded: t.termEndsAt != null && t.termEndsAt.getTime() <= now.getTime(),
      });
      return {
        id: String(t._id),
        patientName: identity
          ? `${identity.usedName || identity.birthName} ${identity.firstNames}`
          : '',
        status: t.status,
        termEndsAt: t.termEndsAt?.toISOString(),
        memberCount: memberIds.size,
        createdAt: t.createdAt.toISOString(),
        unread: unread.get(String(t._id)) ?? 0,
        tasks: tasks.get(String(t._id)) ?? { open: 0, overdue: 0 },
        gaps,
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

  /**
   * The patient's name of each team, as "Mes ESCAP" shows it. Health data: callers ask only
   * for teams the reader belongs to now, and audit the read (notifications' context).
   */
  async patientNames(teamIds: Types.ObjectId[]): Promise<Map<string, string>> {
    const patients = await this.deps.models.Patient.find({ _id: { $in: teamIds } }).lean();
    return new Map(
      patients.flatMap((p) =>
        p.identity
          ? [
              [
                String(p._id),
                `${p.identity.usedName || p.identity.birthName} ${p.identity.firstNames}`,
              ],
            ]
          : [],
      ),
    );
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
  /**
   * A page of the audit journal, newest first, with names rather than ids; reading it is
   * itself audited (once per page asked).
   */
  async auditPage(ctx: MemberContext, query: AuditQuery): Promise<AuditPageView> {
    await this.audit(ctx, 'audit.read');
    const rows = await this.auditRows(ctx, query, query.limit + 1);
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    const last = shown.at(-1);
    return {
      entries: await this.auditViews(ctx, shown),
      ...(more && last ? { next: `${last.at.toISOString()}_${String(last._id)}` } : {}),
    };
  }

  /** The whole journal (with the page's filters), for the CSV export; audited. */
  async auditExport(
    ctx: MemberContext,
    query: Omit<AuditQuery, 'before' | 'limit'>,
  ): Promise<AuditEntryView[]> {
    await this.audit(ctx, 'audit.export');
    return this.auditViews(ctx, await this.auditRows(ctx, query, undefined));
  }

  private auditRows(
    ctx: MemberContext,
    query: Omit<AuditQuery, 'limit'>,
    limit: number | undefined,
  ) {
    const [at, id] = query.before?.split('_') ?? [];
    return this.deps.audit.list(ctx.team._id, {
      before: at && id ? { at: new Date(at), id: new Types.ObjectId(id) } : undefined,
      actorId: query.actor ? new Types.ObjectId(query.actor) : undefined,
      actions: query.kind ? actionsOfKind(query.kind) : undefined,
      ...(limit ? { limit } : {}),
    });
  }

  private async auditViews(
    ctx: MemberContext,
    rows: Awaited<ReturnType<AuditLog['list']>>,
  ): Promise<AuditEntryView[]> {
    const grantIds = rows.flatMap((e) => (e.grantId ? [e.grantId] : []));
    const [ref, name, grantName] = await Promise.all([
      loadRefs(
        this.deps.Professional,
        rows.filter((e) => !e.grantId).map((e) => e.actorId),
      ),
      this.deps.auditNames.describe(
        ctx.team._id,
        rows.map((e) => e.detail),
      ),
      grantIds.length > 0 && this.#grantNamer
        ? this.#grantNamer(ctx.team._id, grantIds)
        : new Map<string, string>(),
    ]);
    return rows.map((e) => {
      const code = e.action as AuditAction;
      const detail = name(e.detail);
      return {
        id: String(e._id),
        at: e.at.toISOString(),
        actor: ref(e.actorId),
        // The patient or their carer acted: not a professional (their `actor` is a placeholder).
        ...(e.grantId
          ? { byPatient: grantName.get(String(e.grantId)) ?? PATIENT_ACCESS_ACTOR }
          : {}),
        code,
        kind: auditKind(code),
        action: AUDIT_LABELS[code] ?? e.action,
        ...(detail ? { detail } : {}),
      };
    });
  }

  /** Names of invitations in the journal: the invitee, or the address invited. */
  async invitationNames(
    teamId: Types.ObjectId,
    ids: Types.ObjectId[],
  ): Promise<Map<string, string>> {
    const docs = await this.deps.Invitation.find({ _id: { $in: ids }, teamId }).lean<
      InvitationDoc[]
    >();
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.professionalId),
    );
    return new Map(
      docs.map((d) => {
        const who = d.professionalId
          ? professionalLabel(ref(d.professionalId))
          : (d.email ?? 'adresse inconnue');
        return [String(d._id), `Invitation de ${who}`];
      }),
    );
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

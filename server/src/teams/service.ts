import { Types, type Model } from 'mongoose';
import { termEnd } from '../../../shared/src/rules/activation.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { Inclusion } from '../../../shared/src/schemas/patient.js';
import type { CreateTeam } from '../../../shared/src/schemas/teams.js';
import type {
  AuditEntryView,
  SettingsView,
  TeamSummaryView,
  TeamView,
} from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { AUDIT_LABELS, type AuditAction, type AuditLog } from '../audit/service.js';
import { AppError } from '../http/errors.js';
import type { InvitationDoc } from '../invitations/model.js';
import type { Invitee, InvitationService } from '../invitations/service.js';
import { loadAsMember, requireManager, requireWritable, type MemberContext } from './access.js';
import type { TeamLive } from './live.js';
import { addMember, currentMemberIds, endMembership } from './memberships.js';
import type { TeamDoc, TeamModels } from './model.js';
import { refreshStatus } from './status.js';
import { buildTeamView, loadRefs } from './views.js';

export interface TeamServiceDeps {
  models: TeamModels;
  Professional: Model<ProfessionalDoc>;
  Invitation: Model<InvitationDoc>;
  invitations: InvitationService;
  audit: AuditLog;
  live: TeamLive;
  eligibility: { threshold: number; gridItems: number };
  invitationTtlDays: number;
  now?: () => Date;
}

export type PatientUpdate = {
  identity?: CreateTeam['patient']['identity'] | undefined;
  ins?: string | null | undefined;
  contact?: CreateTeam['patient']['contact'] | undefined;
};

/**
 * ESCAP teams. Every method takes the acting professional and reaches team data only through
 * `loadAsMember` (house style 9): non-members get 404 whatever they ask.
 */
export class TeamService {
  private readonly now: () => Date;
  constructor(private readonly deps: TeamServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  settings(): SettingsView {
    return {
      eligibilityThreshold: this.deps.eligibility.threshold,
      gridItems: this.deps.eligibility.gridItems,
      invitationTtlDays: this.deps.invitationTtlDays,
    };
  }

  /**
   * Creates the team with its patient file, first inclusion, the creator's membership and, when
   * the médecin traitant is someone else, their invitation. Everything that can refuse the
   * request is checked before the first write; a failure during the writes removes what was
   * written, so a refused creation leaves nothing behind.
   */
  async create(
    actor: Professional,
    input: CreateTeam,
    baseUrl: string,
  ): Promise<{ team: TeamView; link?: string | undefined }> {
    const { models, invitations } = this.deps;
    this.checkScore(input.inclusion);
    const actorId = new Types.ObjectId(actor.id);

    let mt: Invitee | 'self';
    if ('self' in input.medecinTraitant) mt = 'self';
    else mt = await invitations.resolveInvitee(input.medecinTraitant);
    if (mt !== 'self' && 'professional' in mt && String(mt.professional._id) === actor.id)
      mt = 'self';
    if (mt === 'self' && actor.profession !== 'medecin') {
      throw new AppError('not_a_physician', 400, { field: 'medecinTraitant' });
    }
    if (mt !== 'self' && 'professional' in mt && mt.professional.profession !== 'medecin') {
      throw new AppError('not_a_physician', 400, { field: 'medecinTraitant' });
    }

    const now = this.now();
    const teamId = new Types.ObjectId();
    let link: string | undefined;
    try {
      await models.Team.create({
        _id: teamId,
        createdBy: actorId,
        medecinTraitantId:
          mt === 'self' ? actorId : 'professional' in mt ? mt.professional._id : null,
        medecinTraitantEmail: mt !== 'self' && 'email' in mt ? mt.email : null,
        status: 'pending',
        consent: {
          date: input.consent.date,
          method: input.consent.method,
          recordedBy: actorId,
          recordedAt: now,
        },
      });
      await models.StatusEvent.create({ teamId, status: 'pending', at: now });
      await models.Patient.create({
        _id: teamId,
        identity: input.patient.identity,
        ins: input.patient.ins ?? null,
        contact: input.patient.contact ?? {},
      });
      await this.recordInclusion(teamId, input.inclusion, actorId, now);
      await addMember(models, teamId, actorId, now, true);
      if (mt !== 'self') {
        const team = await models.Team.findById(teamId).lean<TeamDoc>();
        const created = await invitations.create(team!, actorId, mt, {
          asMedecinTraitant: true,
          baseUrl,
        });
        link = created.link;
      }
    } catch (err) {
      await this.discard(teamId);
      throw err;
    }
    await refreshStatus(models, teamId, now);
    await this.deps.audit.record({ teamId, actorId, action: 'team.create' });
    const ctx = await loadAsMember(models, String(teamId), actor);
    return { team: await this.view(ctx, now), link };
  }

  /** "Mes ESCAP": the teams the professional currently belongs to. */
  async list(actor: Professional): Promise<TeamSummaryView[]> {
    const { models } = this.deps;
    const actorId = new Types.ObjectId(actor.id);
    const memberships = await models.Membership.find({
      professionalId: actorId,
      leftAt: null,
    }).lean();
    const ids = memberships.map((m) => m.teamId);
    if (ids.length === 0) return [];
    await this.settleEndedTerms(ids);
    const [teams, patients, members] = await Promise.all([
      models.Team.find({ _id: { $in: ids } })
        .sort({ createdAt: -1 })
        .lean<TeamDoc[]>(),
      models.Patient.find({ _id: { $in: ids } }).lean(),
      models.Membership.find({ teamId: { $in: ids }, leftAt: null }).lean(),
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
      };
    });
  }

  async get(actor: Professional, teamId: string): Promise<TeamView> {
    const ctx = await this.member(actor, teamId);
    await this.audit(ctx, 'team.read');
    return this.view(ctx, this.now());
  }

  /** Loads a team for a current member (404 for anyone else), its term settled first. */
  async member(actor: Professional, teamId: string): Promise<MemberContext> {
    const ctx = await loadAsMember(this.deps.models, teamId, actor);
    if (await this.settleEndedTerms([ctx.team._id]))
      return loadAsMember(this.deps.models, teamId, actor);
    return ctx;
  }

  /**
   * A term that runs out changes the status with nobody acting. Teams are settled when read,
   * and by a periodic sweep (`createApp`), so members see the change live. Returns whether
   * any status changed.
   */
  async settleEndedTerms(teamIds?: Types.ObjectId[]): Promise<boolean> {
    const now = this.now();
    const ended = await this.deps.models.Team.find({
      status: 'active',
      termEndsAt: { $lte: now },
      ...(teamIds ? { _id: { $in: teamIds } } : {}),
    }).lean<TeamDoc[]>();
    let any = false;
    for (const team of ended) {
      const { status, changed } = await refreshStatus(this.deps.models, team._id, now);
      if (changed) {
        any = true;
        this.deps.live.changed(String(team._id), status);
      }
    }
    return any;
  }

  async updatePatient(
    actor: Professional,
    teamId: string,
    update: PatientUpdate,
  ): Promise<TeamView> {
    const ctx = await this.member(actor, teamId);
    requireWritable(ctx);
    const set: Record<string, unknown> = {};
    if (update.identity) set.identity = update.identity;
    if (update.ins !== undefined) set.ins = update.ins;
    if (update.contact) set.contact = update.contact;
    if (Object.keys(set).length > 0)
      await this.deps.models.Patient.updateOne({ _id: ctx.team._id }, { $set: set });
    await this.audit(ctx, 'patient.update');
    this.deps.live.changed(teamId, ctx.team.status);
    return this.reload(ctx);
  }

  async leave(actor: Professional, teamId: string): Promise<void> {
    const ctx = await this.member(actor, teamId);
    requireWritable(ctx);
    await this.endMember(ctx, ctx.actorId, 'left', 'member.leave');
  }

  async removeMember(
    actor: Professional,
    teamId: string,
    professionalId: string,
  ): Promise<TeamView> {
    const ctx = await this.member(actor, teamId);
    requireManager(ctx);
    requireWritable(ctx);
    if (!/^[a-f\d]{24}$/i.test(professionalId)) throw new AppError('not_member', 400);
    await this.endMember(ctx, new Types.ObjectId(professionalId), 'removed', 'member.remove');
    return this.reload(ctx);
  }

  /** Switches the médecin traitant to a current member who is a médecin. */
  async setMedecinTraitant(
    actor: Professional,
    teamId: string,
    professionalId: string,
  ): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.member(actor, teamId);
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
      throw new AppError('not_member', 400, { field: 'professionalId' });
    }
    const professional = await this.deps.Professional.findById(target).lean<ProfessionalDoc>();
    if (professional?.profession !== 'medecin')
      throw new AppError('not_a_physician', 400, { field: 'professionalId' });
    await models.Team.updateOne(
      { _id: ctx.team._id },
      { $set: { medecinTraitantId: target, medecinTraitantEmail: null } },
    );
    return this.afterChange(ctx, 'medecin_traitant.set', `professional:${professionalId}`);
  }

  /** Consent withdrawn (honoured at once): the file becomes read-only and live sockets leave the team. */
  async withdrawConsent(actor: Professional, teamId: string): Promise<TeamView> {
    const ctx = await this.member(actor, teamId);
    requireWritable(ctx);
    const now = this.now();
    await this.deps.models.Team.updateOne(
      { _id: ctx.team._id, 'consent.withdrawnAt': null },
      { $set: { 'consent.withdrawnAt': now, 'consent.withdrawnBy': ctx.actorId } },
    );
    const { status } = await refreshStatus(this.deps.models, ctx.team._id, now);
    await this.audit(ctx, 'consent.withdraw');
    this.deps.live.frozen(teamId, status);
    return this.reload(ctx);
  }

  /** A new consent after a withdrawal: the team can be active again. */
  async recordConsent(
    actor: Professional,
    teamId: string,
    consent: CreateTeam['consent'],
  ): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.member(actor, teamId);
    requireWritable(ctx, { allowWithdrawnConsent: true });
    if (ctx.team.consent.withdrawnAt == null) throw new AppError('consent_in_force', 409);
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
    if (res.modifiedCount !== 1) throw new AppError('consent_in_force', 409);
    const { status } = await refreshStatus(models, ctx.team._id, now);
    await this.audit(ctx, 'consent.record');
    this.deps.live.thawed(teamId, await currentMemberIds(models, ctx.team._id));
    this.deps.live.changed(teamId, status);
    return this.reload(ctx);
  }

  /** A new one-year term with a new inclusion scoring, starting when the current one ends. */
  async renew(actor: Professional, teamId: string, inclusion: Inclusion): Promise<TeamView> {
    const { models } = this.deps;
    const ctx = await this.member(actor, teamId);
    requireManager(ctx);
    requireWritable(ctx);
    if (!ctx.team.everActive || !ctx.team.termEndsAt) throw new AppError('not_yet_active', 409);
    this.checkScore(inclusion);
    const now = this.now();
    const start = ctx.team.termEndsAt > now ? ctx.team.termEndsAt : now;
    await this.recordInclusion(ctx.team._id, inclusion, ctx.actorId, now);
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
    const ctx = await this.member(actor, teamId);
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
    if (res.modifiedCount !== 1) throw new AppError('team_closed', 409);
    await this.deps.invitations.cancelAllFor(ctx.team._id);
    const { status } = await refreshStatus(models, ctx.team._id, now);
    await this.audit(ctx, 'team.close');
    this.deps.live.frozen(teamId, status);
    // After a consent withdrawal the sockets already left the team room: reach them directly.
    if (ctx.team.consent.withdrawnAt != null) {
      this.deps.live.changedFor(await currentMemberIds(models, ctx.team._id), teamId, status);
    }
    return this.reload(ctx);
  }

  /** The team's audit log, newest first; reading it is itself recorded. */
  async auditLog(
    actor: Professional,
    teamId: string,
    action: 'audit.read' | 'audit.export',
  ): Promise<AuditEntryView[]> {
    const ctx = await this.member(actor, teamId);
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

  private async endMember(
    ctx: MemberContext,
    professionalId: Types.ObjectId,
    reason: 'left' | 'removed',
    action: AuditAction,
  ): Promise<void> {
    const now = this.now();
    if (!(await endMembership(this.deps.models, ctx.team._id, professionalId, now, reason))) {
      throw new AppError('not_member', 400, { field: 'professionalId' });
    }
    const { status } = await refreshStatus(this.deps.models, ctx.team._id, now);
    await this.audit(ctx, action, `professional:${String(professionalId)}`);
    const teamId = String(ctx.team._id);
    this.deps.live.left(teamId, String(professionalId));
    this.deps.live.changed(teamId, status);
  }

  private async afterChange(
    ctx: MemberContext,
    action: AuditAction,
    detail?: string,
  ): Promise<TeamView> {
    const { status } = await refreshStatus(this.deps.models, ctx.team._id, this.now());
    await this.audit(ctx, action, detail);
    this.deps.live.changed(String(ctx.team._id), status);
    return this.reload(ctx);
  }

  private checkScore(inclusion: Inclusion): void {
    const { threshold, gridItems } = this.deps.eligibility;
    if (inclusion.score > gridItems) {
      throw new AppError('validation_failed', 400, {
        field: 'inclusion.score',
        message: `Le score ne peut pas dépasser ${gridItems}.`,
      });
    }
    if (inclusion.score < threshold) {
      throw new AppError('score_below_threshold', 422, {
        field: 'inclusion.score',
        message: `Le score d'inclusion (${inclusion.score}) est inférieur au seuil en vigueur (${threshold} / ${gridItems}).`,
      });
    }
  }

  private async recordInclusion(
    teamId: Types.ObjectId,
    inclusion: Inclusion,
    by: Types.ObjectId,
    at: Date,
  ) {
    await this.deps.models.Inclusion.create({
      teamId,
      ...inclusion,
      threshold: this.deps.eligibility.threshold,
      gridItems: this.deps.eligibility.gridItems,
      recordedBy: by,
      at,
    });
  }

  private async discard(teamId: Types.ObjectId): Promise<void> {
    const { models, Invitation } = this.deps;
    await Promise.allSettled([
      models.Team.deleteOne({ _id: teamId }),
      models.Patient.deleteOne({ _id: teamId }),
      models.Inclusion.deleteMany({ teamId }),
      models.Membership.deleteMany({ teamId }),
      models.StatusEvent.deleteMany({ teamId }),
      Invitation.deleteMany({ teamId }),
    ]);
  }

  private audit(ctx: MemberContext, action: AuditAction, detail?: string) {
    return this.deps.audit.record({
      teamId: ctx.team._id,
      actorId: ctx.actorId,
      action,
      ...(detail ? { detail } : {}),
    });
  }

  private view(ctx: MemberContext, now: Date): Promise<TeamView> {
    return buildTeamView(
      {
        models: this.deps.models,
        Professional: this.deps.Professional,
        Invitation: this.deps.Invitation,
      },
      ctx,
      now,
    );
  }

  /** The team after a change, as the acting member now sees it. */
  private async reload(ctx: MemberContext): Promise<TeamView> {
    const now = this.now();
    const fresh = await this.deps.models.Team.findById(ctx.team._id).lean<TeamDoc>();
    const team = fresh ?? ctx.team;
    const isManager =
      String(team.createdBy) === ctx.actor.id ||
      (team.medecinTraitantId != null && String(team.medecinTraitantId) === ctx.actor.id);
    return this.view({ ...ctx, team, isManager }, now);
  }
}

import { Types, type Model } from 'mongoose';
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
import type { ChatUnread } from '../chat/unread.js';
import { AUDIT_LABELS, type AuditAction, type AuditLog } from '../audit/service.js';
import { AppError } from '../http/errors.js';
import type { InvitationDoc } from '../invitations/model.js';
import type { Invitee, InvitationService } from '../invitations/service.js';
import { loadAsMember, requireWritable, type MemberContext } from './access.js';
import type { TeamLive } from './live.js';
import { addMember } from './memberships.js';
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
  /** Unread messages per team, shown in "Mes ESCAP". */
  unread: ChatUnread;
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
      throw new AppError('not_a_physician', { field: 'medecinTraitant' });
    }
    if (mt !== 'self' && 'professional' in mt && mt.professional.profession !== 'medecin') {
      throw new AppError('not_a_physician', { field: 'medecinTraitant' });
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
    // The creator's open sockets follow the new team at once.
    this.deps.live.joined(String(teamId), actor.id);
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

  async get(actor: Professional, teamId: string): Promise<TeamView> {
    const ctx = await this.member(actor, teamId);
    await this.audit(ctx, 'team.read');
    return this.view(ctx, this.now());
  }

  /** Loads a team for a current member (404 for anyone else), its term settled first. */
  async member(actor: Professional, teamId: string): Promise<MemberContext> {
    const ctx = await loadAsMember(this.deps.models, teamId, actor);
    const { status, termEndsAt } = ctx.team;
    // Only an active team whose term has run out needs settling (no query otherwise).
    const ended = status === 'active' && termEndsAt != null && termEndsAt <= this.now();
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

  checkScore(inclusion: Inclusion): void {
    const { threshold, gridItems } = this.deps.eligibility;
    if (inclusion.score > gridItems) {
      throw new AppError('validation_failed', {
        field: 'inclusion.score',
        message: `Le score ne peut pas dépasser ${gridItems}.`,
      });
    }
    if (inclusion.score < threshold) {
      throw new AppError('score_below_threshold', {
        field: 'inclusion.score',
        message: `Le score d'inclusion (${inclusion.score}) est inférieur au seuil en vigueur (${threshold} / ${gridItems}).`,
      });
    }
  }

  async recordInclusion(
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

  /** Writes one audit entry for the acting member. */
  audit(ctx: MemberContext, action: AuditAction, detail?: string) {
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
  async reload(ctx: MemberContext): Promise<TeamView> {
    const now = this.now();
    const fresh = await this.deps.models.Team.findById(ctx.team._id).lean<TeamDoc>();
    const team = fresh ?? ctx.team;
    const isManager =
      String(team.createdBy) === ctx.actor.id ||
      (team.medecinTraitantId != null && String(team.medecinTraitantId) === ctx.actor.id);
    return this.view({ ...ctx, team, isManager }, now);
  }
}

import type { Model, Types } from 'mongoose';
import { activationGaps, writeBlock } from '../../../shared/src/rules/activation.js';
import type {
  InboxInvitationView,
  InvitationStatus,
  InvitationView,
  ProfessionalRef,
  TeamView,
} from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { InvitationDoc } from '../invitations/model.js';
import type { MemberContext } from './access.js';
import type { TeamModels } from './model.js';
import { abilitiesOf } from './policy.js';
import { activationFacts } from './state.js';

type Id = Types.ObjectId | string | null | undefined;

/** Loads the public reference (name, profession) of many professionals in one query. */
export async function loadRefs(
  Professional: Model<ProfessionalDoc>,
  ids: Id[],
): Promise<(id: Id) => ProfessionalRef> {
  const unique = [...new Set(ids.filter((x) => x != null).map(String))];
  const docs = await Professional.find({ _id: { $in: unique } }).lean<ProfessionalDoc[]>();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  return (id) => {
    const d = id != null ? byId.get(String(id)) : undefined;
    if (!d)
      return {
        id: String(id),
        firstName: '',
        lastName: '(compte supprimé)',
        profession: 'medecin',
      };
    return {
      id: String(d._id),
      firstName: d.firstName,
      lastName: d.lastName,
      profession: d.profession,
      ...(d.rppsCheck === 'unverified' ? { unverified: true } : {}),
    };
  };
}

export function invitationStatus(inv: InvitationDoc, now: Date): InvitationStatus {
  if (inv.status === 'pending' && inv.expiresAt <= now) return 'expired';
  return inv.status;
}

export function toInvitationView(
  inv: InvitationDoc,
  ref: (id: Id) => ProfessionalRef,
  now: Date,
): InvitationView {
  return {
    id: String(inv._id),
    teamId: String(inv.teamId),
    status: invitationStatus(inv, now),
    invitedBy: ref(inv.invitedBy),
    invitee: inv.professionalId
      ? { professional: ref(inv.professionalId) }
      : { email: inv.email ?? '' },
    asMedecinTraitant: inv.asMedecinTraitant,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
  };
}

export function toInboxView(
  inv: InvitationDoc,
  ref: (id: Id) => ProfessionalRef,
): InboxInvitationView {
  return {
    id: String(inv._id),
    teamId: String(inv.teamId),
    invitedBy: ref(inv.invitedBy),
    asMedecinTraitant: inv.asMedecinTraitant,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
  };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/** The whole team as a member sees it. */
export async function buildTeamView(
  deps: {
    models: TeamModels;
    Professional: Model<ProfessionalDoc>;
    Invitation: Model<InvitationDoc>;
  },
  ctx: MemberContext,
  now: Date,
): Promise<TeamView> {
  const { team } = ctx;
  const { models } = deps;
  const [patient, inclusions, members, invitations, history, facts] = await Promise.all([
    models.Patient.findById(team._id).lean(),
    models.Inclusion.find({ teamId: team._id }).sort({ at: 1 }).lean(),
    models.Membership.find({ teamId: team._id, leftAt: null }).sort({ joinedAt: 1 }).lean(),
    deps.Invitation.find({ teamId: team._id, status: 'pending' })
      .sort({ createdAt: 1 })
      .lean<InvitationDoc[]>(),
    models.StatusEvent.find({ teamId: team._id }).sort({ at: 1, _id: 1 }).lean(),
    activationFacts(models, team, now),
  ]);
  if (!patient?.identity) throw new Error('team without patient file');
  const identity = patient.identity;
  const ref = await loadRefs(deps.Professional, [
    team.createdBy,
    team.medecinTraitantId,
    team.consent.recordedBy,
    team.consent.withdrawnBy,
    team.closure?.by,
    ...inclusions.map((i) => i.recordedBy),
    ...members.map((m) => m.professionalId),
    ...invitations.flatMap((i) => [i.invitedBy, i.professionalId]),
  ]);
  const readOnly = writeBlock(facts) !== null;
  const mtId = team.medecinTraitantId ? String(team.medecinTraitantId) : undefined;
  return {
    id: String(team._id),
    status: team.status,
    gaps: activationGaps(facts),
    readOnly,
    createdAt: team.createdAt.toISOString(),
    createdBy: ref(team.createdBy),
    medecinTraitant: team.medecinTraitantId
      ? { professional: ref(team.medecinTraitantId) }
      : team.medecinTraitantEmail
        ? { email: team.medecinTraitantEmail }
        : null,
    termNumber: team.termNumber,
    termStartedAt: iso(team.termStartedAt),
    termEndsAt: iso(team.termEndsAt),
    closure: team.closure
      ? {
          reason: team.closure.reason,
          comment: team.closure.comment ?? undefined,
          at: team.closure.at.toISOString(),
          by: ref(team.closure.by),
        }
      : undefined,
    patient: {
      identity: {
        birthName: identity.birthName,
        firstNames: identity.firstNames,
        usedName: identity.usedName ?? undefined,
        sex: identity.sex,
        birthDate: identity.birthDate,
        birthPlaceCode: identity.birthPlaceCode,
      },
      ins: patient.ins ?? undefined,
      contact: patient.contact
        ? {
            phone: patient.contact.phone ?? undefined,
            address: patient.contact.address ?? undefined,
          }
        : undefined,
    },
    inclusions: inclusions.map((i) => ({
      category: i.category,
      otherReason: i.otherReason ?? undefined,
      gridVersion: i.gridVersion,
      pregnant: i.pregnant ?? false,
      factors: i.factors?.map((f) => ({
        factorId: f.factorId,
        levelId: f.levelId,
        points: f.points,
      })),
      score: i.score,
      threshold: i.threshold,
      gridItems: i.gridItems,
      recordedBy: ref(i.recordedBy),
      at: i.at.toISOString(),
    })),
    consent: {
      date: team.consent.date,
      method: team.consent.method,
      recordedBy: ref(team.consent.recordedBy),
      recordedAt: team.consent.recordedAt.toISOString(),
      withdrawnAt: iso(team.consent.withdrawnAt),
      withdrawnBy: team.consent.withdrawnBy ? ref(team.consent.withdrawnBy) : undefined,
    },
    members: members.map((m) => ({
      professional: ref(m.professionalId),
      joinedAt: m.joinedAt.toISOString(),
      isCreator: m.isCreator,
      isMedecinTraitant: String(m.professionalId) === mtId,
    })),
    invitations: invitations.map((i) => toInvitationView(i, ref, now)),
    history: history.map((h) => ({ status: h.status, at: h.at.toISOString() })),
    can: abilitiesOf(ctx),
  };
}

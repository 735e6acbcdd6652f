import type { Types } from 'mongoose';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import {
  teamStatus,
  termEnd,
  type ActivationFacts,
  type TeamStatus,
} from '../../../shared/src/rules/activation.js';
import type { CommandScope } from '../commands/command.js';
import type { Session } from '../db/transaction.js';
import { notFound } from '../http/errors.js';
import { contextFor, type MemberContext } from './access.js';
import type { TeamDoc, TeamModels } from './model.js';

/**
 * Takes the team for the command's transaction: bumps its revision, which is a write to the
 * team document. Every command that touches a team does this first, so on a real MongoDB any
 * two commands on the same team conflict and one is retried after the other committed: the
 * facts a command reads (memberships, consent, médecin traitant) cannot change under it.
 * (docs/architecture.md, "Commands": this is what keeps the status from going stale.)
 */
export async function lockTeam(
  models: TeamModels,
  scope: CommandScope,
  teamId: Types.ObjectId,
): Promise<TeamDoc> {
  const team = await models.Team.findOneAndUpdate(
    { _id: teamId },
    { $inc: { revision: 1 } },
    { session: scope.session, returnDocument: 'after' },
  ).lean<TeamDoc>();
  if (!team) throw notFound();
  return team;
}

/** Locks the team, then reads the actor's membership in the same transaction (404 if none). */
export async function lockAsMember(
  models: TeamModels,
  scope: CommandScope,
  teamId: Types.ObjectId,
  actor: Professional,
): Promise<MemberContext> {
  const team = await lockTeam(models, scope, teamId);
  return contextFor(models, team, actor, scope.session);
}

/** Facts of the activation rule, read in the caller's transaction when given a session. */
export async function activationFacts(
  models: TeamModels,
  team: TeamDoc,
  now: Date,
  session?: Session,
): Promise<ActivationFacts> {
  const members = await models.Membership.find({ teamId: team._id, leftAt: null })
    .session(session ?? null)
    .lean();
  const ids = new Set(members.map((m) => String(m.professionalId)));
  return {
    closed: team.closure != null,
    memberCount: ids.size,
    medecinTraitantIsMember:
      team.medecinTraitantId != null && ids.has(String(team.medecinTraitantId)),
    consentInForce: team.consent.withdrawnAt == null,
    everActive: team.everActive,
    termEnded: team.termEndsAt != null && team.termEndsAt.getTime() <= now.getTime(),
  };
}

export interface Settled {
  team: TeamDoc;
  status: TeamStatus;
  changed: boolean;
}

/**
 * Recomputes the status of a locked team from the facts as this transaction sees them (its own
 * writes included) and, when it changed, stores it with its `StatusEvent` and tells every
 * member: all in the command's transaction, so the ledger's history and the status cannot
 * disagree. The write is a compare-and-set on the revision the facts were read at.
 */
export async function settleStatus(
  models: TeamModels,
  scope: CommandScope,
  teamId: Types.ObjectId,
  actorId?: Types.ObjectId,
): Promise<Settled> {
  const { session, now } = scope;
  const team = await models.Team.findById(teamId).session(session).lean<TeamDoc>();
  if (!team) throw notFound();
  const facts = await activationFacts(models, team, now, session);
  await scope.checkpoint('status.facts-read');
  const status = teamStatus(facts);
  if (status === team.status) return { team, status, changed: false };

  const set: Record<string, unknown> = { status };
  if (status === 'active' && !team.everActive) {
    // First activation starts the one-year term.
    Object.assign(set, {
      everActive: true,
      termNumber: 1,
      termStartedAt: now,
      termEndsAt: termEnd(now),
    });
  }
  // A term that ran out ended the active period at its end, not when someone next looked.
  const at =
    team.status === 'active' && facts.termEnded && team.termEndsAt && team.termEndsAt < now
      ? team.termEndsAt
      : now;
  const res = await models.Team.updateOne(
    { _id: teamId, revision: team.revision },
    { $set: set },
    { session },
  );
  if (res.modifiedCount !== 1) throw new Error('team revision moved inside its own transaction');
  await models.StatusEvent.create([{ teamId, status, at }], { session });
  const members = await models.Membership.find({ teamId, leftAt: null }).session(session).lean();
  scope.emit({
    kind: 'notify',
    recipients: members.map((m) => String(m.professionalId)),
    notification: {
      kind: 'team_status',
      teamId: String(teamId),
      actorId: actorId ? String(actorId) : null,
      data: { status },
    },
  });
  return { team: { ...team, ...set }, status, changed: true };
}

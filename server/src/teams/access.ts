import { Types } from 'mongoose';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { Session } from '../db/transaction.js';
import { notFound } from '../http/errors.js';
import type { MembershipDoc, TeamDoc, TeamModels } from './model.js';

/**
 * A team as seen by one of its CURRENT members: the only way features reach team data
 * (CSP L.1110-4). What the member may do with it is asked of the policy (teams/policy.ts).
 */
export interface MemberContext {
  team: TeamDoc;
  membership: MembershipDoc;
  actor: Professional;
  actorId: Types.ObjectId;
  /** The creator and the current médecin traitant manage the team (invite, remove, close...). */
  isManager: boolean;
}

export function parseObjectId(id: string): Types.ObjectId | undefined {
  return /^[a-f\d]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}

export function isManagerOf(team: TeamDoc, professionalId: string): boolean {
  return (
    String(team.createdBy) === professionalId ||
    (team.medecinTraitantId != null && String(team.medecinTraitantId) === professionalId)
  );
}

/**
 * Loads a team for a professional who must be a current member of it. Anyone else gets the
 * same 404 as for a team that does not exist, so nothing leaks. With a session, both reads
 * belong to the caller's transaction.
 */
export async function loadAsMember(
  models: TeamModels,
  teamId: string,
  actor: Professional,
  session?: Session,
): Promise<MemberContext> {
  const id = parseObjectId(teamId);
  if (!id) throw notFound();
  const team = await models.Team.findById(id)
    .session(session ?? null)
    .lean<TeamDoc>();
  if (!team) throw notFound();
  return contextFor(models, team, actor, session);
}

/** The member context for a team already read (a command's locked team); 404 for a non-member. */
export async function contextFor(
  models: TeamModels,
  team: TeamDoc,
  actor: Professional,
  session?: Session,
): Promise<MemberContext> {
  const actorId = new Types.ObjectId(actor.id);
  const membership = await models.Membership.findOne({
    teamId: team._id,
    professionalId: actorId,
    leftAt: null,
  })
    .session(session ?? null)
    .lean<MembershipDoc>();
  if (!membership) throw notFound();
  return { team, membership, actor, actorId, isManager: isManagerOf(team, actor.id) };
}

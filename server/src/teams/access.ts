import { Types } from 'mongoose';
import { isReadOnly } from '../../../shared/src/rules/activation.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import { AppError, notFound } from '../http/errors.js';
import type { MembershipDoc, TeamDoc, TeamModels } from './model.js';

/** A team as seen by one of its current members: the only way services reach team data. */
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

/**
 * Loads a team for a professional who must be a CURRENT member of it (CSP L.1110-4).
 * Anyone else gets the same 404 as for a team that does not exist, so nothing leaks.
 */
export async function loadAsMember(
  models: TeamModels,
  teamId: string,
  actor: Professional,
): Promise<MemberContext> {
  const id = parseObjectId(teamId);
  if (!id) throw notFound();
  const actorId = new Types.ObjectId(actor.id);
  const membership = await models.Membership.findOne({
    teamId: id,
    professionalId: actorId,
    leftAt: null,
  }).lean();
  if (!membership) throw notFound();
  const team = await models.Team.findById(id).lean<TeamDoc>();
  if (!team) throw notFound();
  const isManager =
    String(team.createdBy) === actor.id ||
    (team.medecinTraitantId != null && String(team.medecinTraitantId) === actor.id);
  return { team, membership, actor, actorId, isManager };
}

export function requireManager(ctx: MemberContext): void {
  if (!ctx.isManager) throw new AppError('forbidden');
}

/** Refuses writes to closed teams (409 team_closed) and, unless allowed, to withdrawn consent (409 read_only). */
export function requireWritable(
  ctx: MemberContext,
  opts: { allowWithdrawnConsent?: boolean } = {},
): void {
  if (ctx.team.closure != null) throw new AppError('team_closed');
  const readOnly = isReadOnly({
    closed: false,
    consentInForce: ctx.team.consent.withdrawnAt == null,
  });
  if (readOnly && !opts.allowWithdrawnConsent) throw new AppError('read_only');
}

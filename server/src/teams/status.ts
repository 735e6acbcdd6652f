import type { Types } from 'mongoose';
import {
  teamStatus,
  termEnd,
  type ActivationFacts,
  type TeamStatus,
} from '../../../shared/src/rules/activation.js';
import type { TeamDoc, TeamModels } from './model.js';

/** Facts of the activation rule, read from the database. */
export async function activationFacts(
  models: TeamModels,
  team: TeamDoc,
  now: Date,
): Promise<ActivationFacts> {
  const members = await models.Membership.find({ teamId: team._id, leftAt: null }).lean();
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

/**
 * Recomputes a team's status after a change and stores the change with its time.
 * The update is a compare-and-set on the status read with the facts: when another request
 * changed the team in between, the facts are read again, so two concurrent changes cannot
 * record the same transition twice or leave a stale status.
 */
export async function refreshStatus(
  models: TeamModels,
  teamId: Types.ObjectId,
  now: Date,
  actorId?: Types.ObjectId,
): Promise<{ status: TeamStatus; changed: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const team = await models.Team.findById(teamId).lean<TeamDoc>();
    if (!team) throw new Error('team vanished');
    const facts = await activationFacts(models, team, now);
    const status = teamStatus(facts);
    if (status === team.status) return { status, changed: false };

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
    const res = await models.Team.updateOne({ _id: teamId, status: team.status }, { $set: set });
    if (res.modifiedCount === 1) {
      await models.StatusEvent.create({ teamId, status, at });
      await observers.get(models)?.({ teamId, status, actorId });
      return { status, changed: true };
    }
  }
  throw new Error('team status kept changing under us');
}

/** A stored status change, and who caused it when someone did (not a term running out). */
export interface StatusChange {
  teamId: Types.ObjectId;
  status: TeamStatus;
  actorId?: Types.ObjectId | undefined;
}

/** Must not throw: the change is already stored when it is called. */
export type StatusObserver = (change: StatusChange) => Promise<void>;

// Status changes happen in several services; rather than thread a notifier through each,
// the app registers one observer for its own models (keyed by them, so two apps in one
// process, as in tests, never hear each other).
const observers = new WeakMap<TeamModels, StatusObserver>();

/** Called once per app: `observer` hears every status change stored through `models`. */
export function observeStatusChanges(models: TeamModels, observer: StatusObserver): void {
  observers.set(models, observer);
}

import { Types } from 'mongoose';
import type { Session } from '../db/transaction.js';
import { isDuplicateKey } from '../db/errors.js';
import { AppError } from '../http/errors.js';
import type { TeamModels } from './model.js';

/**
 * Membership periods, written by the team commands only (inside their transaction, after
 * `lockTeam`): a membership is an activation fact, so it never changes outside a command.
 */

/** Opens a membership period; the unique index turns a double join into 409 already_member. */
export async function addMember(
  models: TeamModels,
  session: Session,
  teamId: Types.ObjectId,
  professionalId: Types.ObjectId,
  now: Date,
  isCreator = false,
): Promise<void> {
  try {
    await models.Membership.create(
      [{ teamId, professionalId, isCreator, joinedAt: now, leftAt: null }],
      { session },
    );
  } catch (err) {
    if (isDuplicateKey(err)) throw new AppError('already_member');
    throw err;
  }
}

/** Ends the current membership period of a professional; false if they were not a member. */
export async function endMembership(
  models: TeamModels,
  session: Session,
  teamId: Types.ObjectId,
  professionalId: Types.ObjectId,
  now: Date,
  reason: 'left' | 'removed',
): Promise<boolean> {
  const res = await models.Membership.updateOne(
    { teamId, professionalId, leftAt: null },
    { $set: { leftAt: now, leftReason: reason } },
    { session },
  );
  return res.modifiedCount === 1;
}

export async function isCurrentMember(
  models: TeamModels,
  teamId: Types.ObjectId,
  professionalId: Types.ObjectId,
  session?: Session,
): Promise<boolean> {
  const found = await models.Membership.exists({ teamId, professionalId, leftAt: null }).session(
    session ?? null,
  );
  return found != null;
}

export async function currentMemberIds(
  models: TeamModels,
  teamId: Types.ObjectId,
  session?: Session,
): Promise<string[]> {
  const members = await models.Membership.find({ teamId, leftAt: null })
    .session(session ?? null)
    .lean();
  return members.map((m) => String(m.professionalId));
}

export const toObjectId = (id: string) => new Types.ObjectId(id);

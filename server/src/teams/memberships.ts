import { Types } from 'mongoose';
import { isDuplicateKey } from '../db/errors.js';
import { AppError } from '../http/errors.js';
import type { TeamModels } from './model.js';

/** Opens a membership period; the unique index turns a double join into 409 already_member. */
export async function addMember(
  models: TeamModels,
  teamId: Types.ObjectId,
  professionalId: Types.ObjectId,
  now: Date,
  isCreator = false,
): Promise<void> {
  try {
    await models.Membership.create({
      teamId,
      professionalId,
      isCreator,
      joinedAt: now,
      leftAt: null,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new AppError('already_member');
    throw err;
  }
}

/** Ends the current membership period of a professional; false if they were not a member. */
export async function endMembership(
  models: TeamModels,
  teamId: Types.ObjectId,
  professionalId: Types.ObjectId,
  now: Date,
  reason: 'left' | 'removed',
): Promise<boolean> {
  const res = await models.Membership.updateOne(
    { teamId, professionalId, leftAt: null },
    { $set: { leftAt: now, leftReason: reason } },
  );
  return res.modifiedCount === 1;
}

export async function isCurrentMember(
  models: TeamModels,
  teamId: Types.ObjectId,
  professionalId: Types.ObjectId,
): Promise<boolean> {
  return (await models.Membership.exists({ teamId, professionalId, leftAt: null })) != null;
}

export async function currentMemberIds(
  models: TeamModels,
  teamId: Types.ObjectId,
): Promise<string[]> {
  const members = await models.Membership.find({ teamId, leftAt: null }).lean();
  return members.map((m) => String(m.professionalId));
}

export const toObjectId = (id: string) => new Types.ObjectId(id);

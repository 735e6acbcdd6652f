import type { Model, Types } from 'mongoose';
import { bulkUpsert } from '../db/bulk-upsert.js';
import { GroupCommit } from '../db/group-commit.js';
import type { ChatReadDoc } from './model.js';

export interface ReadPosition {
  teamId: Types.ObjectId;
  professionalId: Types.ObjectId;
  lastReadId: Types.ObjectId;
  at: Date;
}

/**
 * The authors' own read positions on send. Every stored message moves its author's position,
 * so one write per message would double the writes of a busy conversation. Positions that
 * arrive while a write is in flight are kept per (team, member), the greatest id only, and go
 * out in one bulk write; each caller resolves once a position at or past its own is stored.
 * Positions never move back: every update is conditional on a smaller stored id.
 */
export class AuthorReads {
  private readonly writes = new GroupCommit<ReadPosition>(async (batch) => {
    await this.write(coalesce(batch));
    return batch.map(() => undefined);
  });

  constructor(private readonly ChatRead: Model<ChatReadDoc>) {}

  advance(position: ReadPosition): Promise<void> {
    return this.writes.push(position);
  }

  /** One ordered bulk write, two operations per member (see `opsFor`; races: `bulkUpsert`). */
  private write(entries: ReadPosition[]): Promise<void> {
    return bulkUpsert(this.ChatRead, entries, opsFor);
  }
}

/** One entry per (team, member): the greatest id (ids of one instance increase) and its time. */
function coalesce(batch: ReadPosition[]): ReadPosition[] {
  const byMember = new Map<string, ReadPosition>();
  for (const p of batch) {
    const key = `${String(p.teamId)}|${String(p.professionalId)}`;
    const kept = byMember.get(key);
    // Hex strings of equal length compare as the ids' bytes do.
    if (!kept || p.lastReadId.toHexString() > kept.lastReadId.toHexString()) byMember.set(key, p);
  }
  return [...byMember.values()];
}

/**
 * No $max on every engine (docs/database.md): the first position is an upsert that only sets on
 * insert (a no-op once the member has one), then a conditional update moves an existing
 * position forward only.
 */
function opsFor({ teamId, professionalId, lastReadId, at }: ReadPosition, upsert: boolean) {
  const key = { teamId, professionalId };
  const forward = {
    updateOne: {
      filter: { ...key, lastReadId: { $lt: lastReadId } },
      update: { $set: { lastReadId, at } },
    },
  };
  if (!upsert) return [forward];
  return [
    { updateOne: { filter: key, update: { $setOnInsert: { lastReadId, at } }, upsert: true } },
    forward,
  ];
}

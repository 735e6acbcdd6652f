import { Types, type Model } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { ChatReadDoc } from './model.js';
import { AuthorReads } from './reads.js';

interface Op {
  updateOne: { filter: Record<string, unknown>; upsert?: boolean };
}

/**
 * A ChatRead stand-in that records each bulk write and can fail calls (numbered from 1) with a
 * duplicate key at an operation index, the way a driver reports an upsert that lost an insert
 * race.
 */
function fakeChatRead(failures: Record<number, number> = {}) {
  const calls: Op[][] = [];
  const model = {
    bulkWrite: async (ops: Op[]) => {
      calls.push(ops);
      await Promise.resolve();
      const index = failures[calls.length];
      if (index !== undefined) {
        throw Object.assign(new Error('E11000 duplicate key'), {
          code: 11000,
          writeErrors: [{ index }],
        });
      }
    },
  };
  return { calls, model: model as unknown as Model<ChatReadDoc> };
}

const team = new Types.ObjectId();
const [ann, bob] = [new Types.ObjectId(), new Types.ObjectId()];
const at = new Date('2026-05-10T08:00:00Z');
const ids = Array.from({ length: 4 }, () => new Types.ObjectId());
const position = (professionalId: Types.ObjectId, lastReadId: Types.ObjectId) => ({
  teamId: team,
  professionalId,
  lastReadId,
  at,
});
const readIds = (ops: Op[]) =>
  ops.map((o) => {
    const f = o.updateOne.filter;
    return [String(f.professionalId), f.lastReadId ? 'forward' : 'first', o.updateOne.upsert];
  });

describe('AuthorReads', () => {
  it('writes one bulk write per drain, the greatest id per member', async () => {
    const { calls, model } = fakeChatRead();
    const reads = new AuthorReads(model);
    // The first goes out alone; the rest arrive during its write and are coalesced.
    await Promise.all([
      reads.advance(position(ann, ids[0]!)),
      reads.advance(position(ann, ids[2]!)),
      reads.advance(position(bob, ids[1]!)),
      reads.advance(position(ann, ids[1]!)),
    ]);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toHaveLength(4);
    const forward = calls[1]!.filter((o) => o.updateOne.filter.lastReadId);
    expect(forward.map((o) => o.updateOne.filter)).toEqual([
      { teamId: team, professionalId: ann, lastReadId: { $lt: ids[2] } },
      { teamId: team, professionalId: bob, lastReadId: { $lt: ids[1] } },
    ]);
  });

  it('retries the entries from a lost insert race one by one, the loser without upsert', async () => {
    // Second call: bob's first-position upsert (index 2) hits a duplicate key.
    const { calls, model } = fakeChatRead({ 2: 2 });
    const reads = new AuthorReads(model);
    await Promise.all([
      reads.advance(position(ann, ids[0]!)),
      reads.advance(position(ann, ids[1]!)),
      reads.advance(position(bob, ids[2]!)),
      reads.advance(position(ann, ids[3]!)),
    ]);
    expect(calls.slice(2).map(readIds)).toEqual([
      [
        [String(bob), 'first', true],
        [String(bob), 'forward', undefined],
      ],
    ]);
  });

  it('answers a lost race that repeats with the conditional update alone', async () => {
    const { calls, model } = fakeChatRead({ 1: 0, 2: 0 });
    await new AuthorReads(model).advance(position(bob, ids[1]!));
    const upsert = [
      [String(bob), 'first', true],
      [String(bob), 'forward', undefined],
    ];
    expect(calls.map(readIds)).toEqual([upsert, upsert, [[String(bob), 'forward', undefined]]]);
  });

  it('fails the callers of a batch on any other error', async () => {
    const reads = new AuthorReads({
      bulkWrite: () => Promise.reject(new Error('database down')),
    } as unknown as Model<ChatReadDoc>);
    await expect(reads.advance(position(ann, ids[0]!))).rejects.toThrow('database down');
  });
});

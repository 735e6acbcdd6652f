import { Types, type Model } from 'mongoose';
import type { ContributionKind } from '../../../shared/src/contributions.js';
import { yearOf } from '../../../shared/src/time.js';
import { GroupCommit } from '../db/group-commit.js';
import type { ContributionCounterDoc } from './model.js';

type Id = Types.ObjectId | string;

export interface ContributionInput {
  teamId: Id;
  professionalId: Id;
  kind: ContributionKind;
  at: Date;
  count?: number;
}

/**
 * Records contributions (note editing sessions, messages, task changes) as per-member, per-year
 * counters. Called by the features where contributions happen, after their own write
 * succeeded: a contribution is counted only once it exists, and each call resolves once its
 * count is in the database.
 *
 * Writes are grouped: contributions that arrive while a write is in flight go out together,
 * added up per counter, in one bulk write. A busy conversation then costs a few round trips a
 * second, not one per message.
 */
export class Contributions {
  private readonly writes = new GroupCommit<ContributionInput[]>(async (batch) => {
    await this.write(this.coalesce(batch.flat()));
    return batch.map(() => undefined);
  });

  constructor(
    private readonly Counter: Model<ContributionCounterDoc>,
    private readonly timeZone: string,
  ) {}

  record(
    teamId: Id,
    professionalId: Id,
    kind: ContributionKind,
    at: Date,
    count = 1,
  ): Promise<void> {
    return this.writes.push([{ teamId, professionalId, kind, at, count }]);
  }

  /** Many at once (the note activity flush); same guarantees as `record`. */
  recordMany(items: ContributionInput[]): Promise<void> {
    return items.length === 0 ? Promise.resolve() : this.writes.push(items);
  }

  /** The counters of one professional for one year (one row per team). */
  forProfessional(professionalId: string, year: number) {
    return this.Counter.find({ professionalId: new Types.ObjectId(professionalId), year }).lean();
  }

  /** One entry per counter: the counts added up, the earliest and latest times. */
  private coalesce(items: ContributionInput[]): Pending[] {
    const byCounter = new Map<string, Pending>();
    for (const item of items) {
      const filter = this.key(item.teamId, item.professionalId, item.at);
      const id = `${String(filter.professionalId)}|${String(filter.teamId)}|${filter.year}`;
      const count = item.count ?? 1;
      const entry = byCounter.get(id);
      if (!entry) {
        byCounter.set(id, {
          filter,
          inc: { [item.kind]: count, total: count },
          first: item.at,
          last: item.at,
        });
        continue;
      }
      entry.inc[item.kind] = (entry.inc[item.kind] ?? 0) + count;
      entry.inc.total = (entry.inc.total ?? 0) + count;
      if (item.at < entry.first) entry.first = item.at;
      if (item.at > entry.last) entry.last = item.at;
    }
    return [...byCounter.values()];
  }

  /**
   * Per counter: the upsert, then the two conditional widenings of its first/last times
   * ($min/$max would do it in one statement, but not every engine we run on has them,
   * database.md), in one ordered bulk write. If an upsert loses an insert race with another
   * instance (duplicate key), the counters before it are written; the rest are written one by
   * one, the losing upsert as a plain update.
   */
  private async write(entries: Pending[]): Promise<void> {
    try {
      await this.Counter.bulkWrite(
        entries.flatMap((e) => opsFor(e)),
        { ordered: true },
      );
    } catch (err) {
      const failed = (err as { writeErrors?: { index: number }[] }).writeErrors?.[0];
      if ((err as { code?: number }).code !== 11000 || !failed) throw err;
      for (const entry of entries.slice(Math.floor(failed.index / 3))) {
        try {
          await this.Counter.bulkWrite(opsFor(entry), { ordered: true });
        } catch (again) {
          if ((again as { code?: number }).code !== 11000) throw again;
          await this.Counter.bulkWrite(opsFor(entry, false), { ordered: true });
        }
      }
    }
  }

  private key(teamId: Id, professionalId: Id, at: Date) {
    return {
      professionalId: new Types.ObjectId(String(professionalId)),
      teamId: new Types.ObjectId(String(teamId)),
      year: yearOf(at, this.timeZone),
    };
  }
}

interface Pending {
  filter: { professionalId: Types.ObjectId; teamId: Types.ObjectId; year: number };
  inc: Partial<Record<ContributionKind | 'total', number>>;
  first: Date;
  last: Date;
}

function opsFor({ filter, inc, first, last }: Pending, upsert = true) {
  return [
    {
      updateOne: {
        filter,
        update: { $inc: inc, $setOnInsert: { firstAt: first, lastAt: last } },
        upsert,
      },
    },
    {
      updateOne: {
        filter: { ...filter, lastAt: { $lt: last } },
        update: { $set: { lastAt: last } },
      },
    },
    {
      updateOne: {
        filter: { ...filter, firstAt: { $gt: first } },
        update: { $set: { firstAt: first } },
      },
    },
  ];
}

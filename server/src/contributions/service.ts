import { Types, type Model } from 'mongoose';
import type { ContributionKind } from '../../../shared/src/contributions.js';
import { yearOf } from '../../../shared/src/time.js';
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
 * succeeded: a contribution is counted only once it exists.
 */
export class Contributions {
  constructor(
    private readonly Counter: Model<ContributionCounterDoc>,
    private readonly timeZone: string,
  ) {}

  async record(
    teamId: Id,
    professionalId: Id,
    kind: ContributionKind,
    at: Date,
    count = 1,
  ): Promise<void> {
    const filter = this.key(teamId, professionalId, at);
    // $min/$max would keep first/last times in one write, but not every engine we run on
    // has them (database.md): the counter is upserted, then the times widened if needed,
    // which is rare since contributions are recorded as they happen.
    const update = {
      $inc: { [kind]: count, total: count },
      $setOnInsert: { firstAt: at, lastAt: at },
    };
    let row: { firstAt: Date; lastAt: Date } | null;
    try {
      row = await this.Counter.findOneAndUpdate(filter, update, {
        upsert: true,
        returnDocument: 'after',
      }).lean();
    } catch (err) {
      // Two first contributions at once: both upserts try to insert, the unique index lets
      // one through; the other is now a plain update.
      if ((err as { code?: number }).code !== 11000) throw err;
      row = await this.Counter.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean();
    }
    if (row && row.lastAt < at) {
      await this.Counter.updateOne({ ...filter, lastAt: { $lt: at } }, { $set: { lastAt: at } });
    }
    if (row && row.firstAt > at) {
      await this.Counter.updateOne({ ...filter, firstAt: { $gt: at } }, { $set: { firstAt: at } });
    }
  }

  /**
   * Records many contributions in one round trip (the note activity flush). Per item: the
   * upsert, then the two conditional widenings of first/last times, in one ordered bulk write.
   * If an upsert loses an insert race (duplicate key), the items before it are applied; the
   * rest go through `record`, which retries as plain updates.
   */
  async recordMany(items: ContributionInput[]): Promise<void> {
    if (items.length === 0) return;
    const ops = items.flatMap((item) => {
      const filter = this.key(item.teamId, item.professionalId, item.at);
      const at = item.at;
      const count = item.count ?? 1;
      return [
        {
          updateOne: {
            filter,
            update: {
              $inc: { [item.kind]: count, total: count },
              $setOnInsert: { firstAt: at, lastAt: at },
            },
            upsert: true,
          },
        },
        {
          updateOne: {
            filter: { ...filter, lastAt: { $lt: at } },
            update: { $set: { lastAt: at } },
          },
        },
        {
          updateOne: {
            filter: { ...filter, firstAt: { $gt: at } },
            update: { $set: { firstAt: at } },
          },
        },
      ];
    });
    try {
      await this.Counter.bulkWrite(ops, { ordered: true });
    } catch (err) {
      const failed = (err as { code?: number; writeErrors?: { index: number }[] }).writeErrors?.[0];
      if ((err as { code?: number }).code !== 11000 || !failed) throw err;
      for (const item of items.slice(Math.floor(failed.index / 3))) {
        await this.record(item.teamId, item.professionalId, item.kind, item.at, item.count);
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

  /** The counters of one professional for one year (one row per team). */
  forProfessional(professionalId: string, year: number) {
    return this.Counter.find({ professionalId: new Types.ObjectId(professionalId), year }).lean();
  }
}

import { Types, type Model } from 'mongoose';
import type { ContributionKind } from '../../../shared/src/contributions.js';
import { yearOf } from '../../../shared/src/time.js';
import { bulkUpsert } from '../db/bulk-upsert.js';
import { GroupCommit } from '../db/group-commit.js';
import type { Session } from '../db/transaction.js';
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
  private readonly writes: GroupCommit<ContributionInput[]>;

  constructor(
    private readonly Counter: Model<ContributionCounterDoc>,
    /** The ledger's time zone: a contribution counts in its calendar year there. */
    readonly timeZone: string,
  ) {
    // Commands count contributions in their transactions too (`recordInScope`): batches take
    // their turn with them.
    this.writes = new GroupCommit(
      async (batch) => {
        await this.write(this.coalesce(batch.flat()));
        return batch.map(() => undefined);
      },
      { sharedWith: Counter.db },
    );
  }

  record(
    teamId: Id,
    professionalId: Id,
    kind: ContributionKind,
    at: Date,
    count = 1,
  ): Promise<void> {
    return this.writes.push([{ teamId, professionalId, kind, at, count }]);
  }

  /**
   * Counts one contribution inside the caller's transaction (a command): the counter moves
   * exactly when the change it counts is committed.
   */
  async recordInScope(session: Session, item: ContributionInput): Promise<void> {
    const [entry] = this.coalesce([item]);
    await this.Counter.updateOne(entry!.filter, { $inc: entry!.inc }, { upsert: true, session });
  }

  /** Many at once (the note activity flush); same guarantees as `record`. */
  recordMany(items: ContributionInput[]): Promise<void> {
    return items.length === 0 ? Promise.resolve() : this.writes.push(items);
  }

  /** The counters of one professional for one year (one row per team). */
  forProfessional(professionalId: string, year: number) {
    return this.Counter.find({ professionalId: new Types.ObjectId(professionalId), year }).lean();
  }

  /** One entry per counter: the counts added up. */
  private coalesce(items: ContributionInput[]): Pending[] {
    const byCounter = new Map<string, Pending>();
    for (const item of items) {
      const filter = this.key(item.teamId, item.professionalId, item.at);
      const id = `${String(filter.professionalId)}|${String(filter.teamId)}|${filter.year}`;
      const count = item.count ?? 1;
      const entry = byCounter.get(id) ?? { filter, inc: {} };
      byCounter.set(id, entry);
      entry.inc[item.kind] = (entry.inc[item.kind] ?? 0) + count;
      entry.inc.total = (entry.inc.total ?? 0) + count;
    }
    return [...byCounter.values()];
  }

  /** One upsert per counter, in one ordered bulk write (insert races: see `bulkUpsert`). */
  private write(entries: Pending[]): Promise<void> {
    return bulkUpsert(this.Counter, entries, (entry, upsert) => [opFor(entry, upsert)]);
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
}

function opFor({ filter, inc }: Pending, upsert: boolean) {
  return { updateOne: { filter, update: { $inc: inc }, upsert } };
}

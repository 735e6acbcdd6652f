import type { Model, Types } from 'mongoose';
import { GroupCommit } from '../db/group-commit.js';
import type { Session } from '../db/transaction.js';
import type { AuditAction } from '../../../shared/src/audit.js';
import type { AuditEntryDoc } from './model.js';

export interface AuditRecord {
  teamId: Types.ObjectId | string;
  actorId: Types.ObjectId | string;
  /** The patient's grant when the patient (or their carer) acted; `actorId` is then its id. */
  grantId?: Types.ObjectId | string;
  action: AuditAction;
  /** Ids only: never health data. */
  detail?: string;
}

export type { AuditAction } from '../../../shared/src/audit.js';
export { AUDIT_LABELS } from '../../../shared/src/audit.js';

/**
 * Append-only audit log: this service has no update and no delete, by design.
 * Writes are grouped: records that arrive while a write is in flight go out together in the
 * next `insertMany`, so a crowd opening notes at once costs a few round trips, and each caller
 * is resolved only once its own records are in the database (the access is then answered).
 */
export class AuditLog {
  private readonly writes: GroupCommit<(AuditRecord & { at: Date })[]>;

  constructor(
    private readonly entries: Model<AuditEntryDoc>,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Commands write audit rows in their transactions too (`insert`): batches take their turn.
    this.writes = new GroupCommit(
      async (batch) => {
        await this.entries.insertMany(batch.flat());
        return batch.map(() => undefined);
      },
      { sharedWith: entries.db },
    );
  }

  record(...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const at = this.now();
    return this.writes.push(records.map((r) => ({ ...r, at })));
  }

  /** Writes rows inside a command's transaction: they exist exactly when the change does. */
  async insert(records: AuditRecord[], session: Session, at: Date): Promise<void> {
    if (records.length === 0) return;
    await this.entries.insertMany(
      records.map((r) => ({ ...r, at })),
      { session },
    );
  }

  /**
   * Newest first, `limit` at most; `before` is the (time, id) of the last row of the previous
   * page (keyset paging: rows written meanwhile do not shift the pages); filtered by actor and
   * by actions.
   */
  async list(
    teamId: Types.ObjectId,
    opts: {
      before?: { at: Date; id: Types.ObjectId } | undefined;
      actorId?: Types.ObjectId | undefined;
      actions?: readonly AuditAction[] | undefined;
      limit?: number;
    } = {},
  ) {
    const filter: Record<string, unknown> = { teamId };
    if (opts.actorId) filter.actorId = opts.actorId;
    if (opts.actions) filter.action = { $in: opts.actions };
    if (opts.before)
      filter.$or = [
        { at: { $lt: opts.before.at } },
        { at: opts.before.at, _id: { $lt: opts.before.id } },
      ];
    return this.entries
      .find(filter)
      .sort({ at: -1, _id: -1 })
      .limit(opts.limit ?? 10_000)
      .lean();
  }
}

import type { PipelineStage, Types } from 'mongoose';
import type { LedgerStatusEventInput } from '../../../shared/src/rules/ledger.js';
import type { TeamModels } from './model.js';

export interface MembershipPeriodRow {
  professionalId: Types.ObjectId;
  teamId: Types.ObjectId;
  joinedAt: Date;
  leftAt: Date | null;
}
export interface StatusEventRow extends LedgerStatusEventInput {
  teamId: Types.ObjectId;
}

/**
 * The history of teams that the participation ledger reads: membership periods and status
 * events, both written only by the team commands, in the same transactions. Ids and dates
 * only; no patient data. The ledger reaches them here rather than through the team models.
 */
export class TeamHistory {
  constructor(private readonly models: Pick<TeamModels, 'Membership' | 'StatusEvent'>) {}

  /** Every membership period of one professional, current and past. */
  membershipsOf(professionalId: Types.ObjectId): Promise<MembershipPeriodRow[]> {
    return this.models.Membership.find({ professionalId })
      .select({ professionalId: 1, teamId: 1, joinedAt: 1, leftAt: 1 })
      .lean<MembershipPeriodRow[]>();
  }

  /** Status events of these teams before `end` (later ones cannot change a year before it). */
  statusEventsOf(teamIds: Types.ObjectId[], end: Date): Promise<StatusEventRow[]> {
    if (teamIds.length === 0) return Promise.resolve([]);
    return this.models.StatusEvent.find({ teamId: { $in: teamIds }, at: { $lt: end } })
      .sort({ at: 1, _id: 1 })
      .lean<StatusEventRow[]>();
  }

  /**
   * For the platform report: every membership period overlapping [start, end) and every status
   * event before `end`, each one $match served by an index and a $project of the few fields the
   * rule needs (why no $lookup: ledger/report.ts).
   */
  async periodsOverlapping(
    start: Date,
    end: Date,
  ): Promise<{ memberships: MembershipPeriodRow[]; events: StatusEventRow[] }> {
    const p = historyPipelines(start, end);
    const [memberships, events] = await Promise.all([
      this.models.Membership.aggregate<MembershipPeriodRow>(p.memberships),
      this.models.StatusEvent.aggregate<StatusEventRow>(p.events),
    ]);
    return { memberships, events };
  }
}

/** The two pipelines of `periodsOverlapping` (also run as such by the report's test and benchmark). */
export function historyPipelines(start: Date, end: Date) {
  const memberships: PipelineStage[] = [
    { $match: { joinedAt: { $lt: end }, $or: [{ leftAt: null }, { leftAt: { $gt: start } }] } },
    { $project: { _id: 0, professionalId: 1, teamId: 1, joinedAt: 1, leftAt: 1 } },
  ];
  // Events after the year cannot change it; earlier ones give the status at its start.
  const events: PipelineStage[] = [
    { $match: { at: { $lt: end } } },
    { $project: { _id: 0, teamId: 1, status: 1, at: 1 } },
  ];
  return { memberships, events };
}

import type { Types } from 'mongoose';
import { currentMemberIds } from '../teams/memberships.js';
import type { TeamDoc, TeamModels } from '../teams/model.js';
import type { StatusChange } from '../teams/status.js';
import type { Notifications } from './service.js';

const DAY_MS = 86_400_000;
/** A term ending this close is announced to every member, once per term. */
export const TERM_ENDING_NOTICE_DAYS = 30;

/**
 * Notifications that come from the state of teams rather than from one request: a status
 * change (told to every current member but its author) and a term about to end.
 */
export class TeamNotices {
  private readonly now: () => Date;
  constructor(
    private readonly deps: {
      models: TeamModels;
      notifications: Notifications;
      now?: () => Date;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The status observer of the app (teams/status.ts); never throws. */
  readonly statusChanged = async ({ teamId, status, actorId }: StatusChange): Promise<void> => {
    const members = await currentMemberIds(this.deps.models, teamId).catch(() => []);
    await this.deps.notifications.send(members, {
      kind: 'team_status',
      teamId,
      actorId: actorId ?? null,
      data: { status },
    });
  };

  /**
   * Active teams whose term ends within 30 days: one notification per member and term. The
   * dedupe key (team, term number, member) makes repeated sweeps, and sweeps on several
   * instances at once, harmless; a renewal starts a new term, hence a new notice later.
   */
  async sweepTermsEnding(): Promise<number> {
    const now = this.now();
    const teams = await this.deps.models.Team.find({
      status: 'active',
      termEndsAt: { $gt: now, $lte: new Date(now.getTime() + TERM_ENDING_NOTICE_DAYS * DAY_MS) },
    }).lean<TeamDoc[]>();
    for (const team of teams) await this.termEnding(team);
    return teams.length;
  }

  private async termEnding(team: TeamDoc): Promise<void> {
    const teamId: Types.ObjectId = team._id;
    const members = await currentMemberIds(this.deps.models, teamId);
    await this.deps.notifications.send(members, {
      kind: 'term_ending',
      teamId,
      data: {
        termEndsAt: team.termEndsAt!.toISOString(),
        termNumber: String(team.termNumber),
      },
      dedupeKey: `term_ending:${String(teamId)}:${team.termNumber}`,
    });
  }
}

import type { TeamService } from '../teams/service.js';
import type { Notifications } from './service.js';

const DAY_MS = 86_400_000;
/** A term ending this close is announced to every member, once per term. */
export const TERM_ENDING_NOTICE_DAYS = 30;

/**
 * Notifications that come from the state of teams rather than from one request: a term about
 * to end. (A status change is notified by the command that made it, through the outbox.)
 */
export class TeamNotices {
  constructor(
    private readonly deps: {
      teams: Pick<TeamService, 'termsEndingBefore'>;
      notifications: Notifications;
      now: () => Date;
    },
  ) {}

  /**
   * Active teams whose term ends within 30 days: one notification per member and term. The
   * dedupe key (team, term number, member) makes repeated sweeps, and sweeps on several
   * instances at once, harmless; a renewal starts a new term, hence a new notice later.
   */
  async sweepTermsEnding(): Promise<number> {
    const until = new Date(this.deps.now().getTime() + TERM_ENDING_NOTICE_DAYS * DAY_MS);
    const ending = await this.deps.teams.termsEndingBefore(until);
    for (const t of ending) {
      await this.deps.notifications.send(t.memberIds, {
        kind: 'term_ending',
        teamId: t.teamId,
        data: { termEndsAt: t.termEndsAt.toISOString(), termNumber: String(t.termNumber) },
        dedupeKey: `term_ending:${String(t.teamId)}:${t.termNumber}`,
      });
    }
    return ending.length;
  }
}

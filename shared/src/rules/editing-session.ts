import { LEDGER_TIME_ZONE, sameYear } from '../time.js';

/**
 * Note editing sessions (docs/ledger.md): an author's edits of one document that follow each
 * other closely form one session, which is one 'note' contribution, counted in the ledger year
 * it started. Pure, so the server's in-memory summary and its stored rows follow one rule.
 */

/** Edits of one author in one document at most this far apart belong to one session. */
export const EDITING_SESSION_GAP_MS = 2 * 60_000;

export interface EditingSession {
  /** The session's first edit: the instant its contribution is counted at. */
  startedAt: Date;
  /** Its latest edit. */
  lastAt: Date;
}

/**
 * Whether an edit at `at` extends the session rather than opening a new one: within the gap
 * after its latest edit, and in the ledger year the session started in. A session never spans
 * a year boundary: otherwise the first edits of a year would extend last year's session and
 * the new year would show no note contribution at all. An edit slightly before `lastAt` (two
 * instances' clocks, or edits gathered out of order) still extends it.
 */
export function continuesSession(
  session: EditingSession,
  at: Date,
  timeZone: string = LEDGER_TIME_ZONE,
): boolean {
  return (
    at.getTime() - session.lastAt.getTime() <= EDITING_SESSION_GAP_MS &&
    sameYear(session.startedAt, at, timeZone)
  );
}

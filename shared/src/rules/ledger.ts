import type { ContributionCounts, LedgerAmountsView, LedgerReason } from '../ledger.js';
import { yearBounds } from '../time.js';
import type { TeamStatus } from './activation.js';
import type { LedgerSettings } from './ledger-settings.js';

/**
 * The yearly participation rule (avenant n°1 to the ACIP; docs/domain.md), pure and shared by the
 * server (dashboard, statement, platform report) and the client.
 *
 * For one professional and one calendar year (in `settings.timeZone`, Europe/Paris by default):
 * - an ESCAP is CONSIDERED when the professional was a member of it at some time in the year;
 * - it COUNTS when it was ACTIVE at some time while they were a member within the year (its
 *   status history says when: suspensions for a replaced médecin traitant, a withdrawn consent,
 *   too few members or an ended term, and closure, all end active periods), and, when
 *   `settings.requireContribution` is on (default), they contributed to it that year (a note
 *   edit, a message, a task change or a document added: the per-member, per-year counters);
 * - the base amount ("acquiring and using the tool") is due when at least ONE ESCAP counts:
 *   using the tool is read as taking part in an ESCAP under the same rule as the bonus, so a
 *   mere account, or a team that never became active, earns nothing;
 * - the bonus is due when at least `settings.threshold` ESCAPs count (5 by default).
 *
 * Every considered ESCAP carries the reason it counts or not. Periods are half-open
 * [from, to); a membership or active period still open ends at `now` (or the year's end).
 * Cost: linear in the professional's memberships and their teams' status events, never in
 * raw contributions (the input holds counters).
 */

/** The ledger starts with the ESCAP experiment (avenant n°1 signed 20 June 2024). */
export const LEDGER_FIRST_YEAR = 2024;

export interface LedgerMembershipInput {
  joinedAt: Date;
  /** null (or absent) while still a member. */
  leftAt?: Date | null | undefined;
}

export interface LedgerStatusEventInput {
  status: TeamStatus;
  at: Date;
}

export interface LedgerTeamInput {
  teamId: string;
  /** Pseudonymous reference shown instead of the patient (never derived from identity). */
  reference: string;
  /** The professional's membership periods in this team (any years). */
  memberships: readonly LedgerMembershipInput[];
  /** The team's status changes (any order, any years); before the first one it is pending. */
  statusEvents: readonly LedgerStatusEventInput[];
  /** The professional's contribution counters for this team and year; absent means none. */
  contributions?: Partial<ContributionCounts> | null | undefined;
}

export interface LedgerYearInput {
  year: number;
  /** Periods still open end here (the current year is in progress). */
  now: Date;
  teams: readonly LedgerTeamInput[];
}

export interface LedgerPeriod {
  from: Date;
  to: Date;
}

export interface LedgerEscapLine {
  teamId: string;
  reference: string;
  memberPeriods: LedgerPeriod[];
  activePeriods: LedgerPeriod[];
  contributions: ContributionCounts;
  counts: boolean;
  reason: LedgerReason;
}

export interface LedgerYearResult {
  year: number;
  /** Considered ESCAPs (member at some time in the year), in input order. */
  escaps: LedgerEscapLine[];
  counted: number;
  /** Sum of the considered ESCAPs' contributions in the year. */
  contributions: number;
  amounts: LedgerAmountsView;
  /** The year had not ended at `now`. */
  inProgress: boolean;
}

/** Half-open intervals as [from, to) pairs of epoch milliseconds. */
type Span = [number, number];

// Year bounds need Intl calls: a report runs the rule once per professional for the same year.
const boundsCache = new Map<string, Span>();
function boundsOf(year: number, timeZone: string): Span {
  const key = `${timeZone}|${year}`;
  let span = boundsCache.get(key);
  if (!span) {
    const { start, end } = yearBounds(year, timeZone);
    span = [start.getTime(), end.getTime()];
    boundsCache.set(key, span);
  }
  return span;
}

/** Sorts, clips to [lo, hi) and merges overlapping or touching spans; drops empty ones. */
function normalise(spans: Span[], lo: number, hi: number): Span[] {
  const clipped: Span[] = [];
  for (const [a, b] of spans) {
    const from = Math.max(a, lo);
    const to = Math.min(b, hi);
    if (from < to) clipped.push([from, to]);
  }
  if (clipped.length < 2) return clipped;
  clipped.sort((x, y) => x[0] - y[0]);
  const out: Span[] = [clipped[0]!];
  for (let i = 1; i < clipped.length; i++) {
    const last = out[out.length - 1]!;
    const cur = clipped[i]!;
    if (cur[0] <= last[1]) last[1] = Math.max(last[1], cur[1]);
    else out.push(cur);
  }
  return out;
}

/** Spans when the team was ACTIVE according to its status history, clipped to [lo, hi). */
function activeSpans(events: readonly LedgerStatusEventInput[], lo: number, hi: number): Span[] {
  // Histories come sorted from the database: copy and sort only when they are not.
  let sorted = events;
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.at.getTime() < events[i - 1]!.at.getTime()) {
      sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
      break;
    }
  }
  const spans: Span[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.status !== 'active') continue;
    const next = sorted[i + 1];
    spans.push([sorted[i]!.at.getTime(), next ? next.at.getTime() : Infinity]);
  }
  return normalise(spans, lo, hi);
}

/** The professional's membership spans, clipped to [lo, hi); open ones end at `now`. */
function memberSpans(
  memberships: readonly LedgerMembershipInput[],
  now: number,
  lo: number,
  hi: number,
): Span[] {
  // One period is by far the most common case: no intermediate arrays.
  if (memberships.length === 1) {
    const m = memberships[0]!;
    const from = Math.max(m.joinedAt.getTime(), lo);
    const to = Math.min(m.leftAt ? m.leftAt.getTime() : now, hi);
    return from < to ? [[from, to]] : [];
  }
  return normalise(
    memberships.map((m) => [m.joinedAt.getTime(), m.leftAt ? m.leftAt.getTime() : now]),
    lo,
    hi,
  );
}

/** Intersection of two sorted, disjoint span lists. */
function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]![0], b[j]![0]);
    const to = Math.min(a[i]![1], b[j]![1]);
    if (from < to) out.push([from, to]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

const toPeriods = (spans: Span[]): LedgerPeriod[] =>
  spans.map(([from, to]) => ({ from: new Date(from), to: new Date(to) }));

function counts(c: Partial<ContributionCounts> | null | undefined): ContributionCounts {
  const note = c?.note ?? 0;
  const message = c?.message ?? 0;
  const task = c?.task ?? 0;
  const document = c?.document ?? 0;
  return { note, message, task, document, total: c?.total ?? note + message + task + document };
}

/** The amounts due for a number of counted ESCAPs (see the rule above). */
export function ledgerAmounts(counted: number, settings: LedgerSettings): LedgerAmountsView {
  const base = counted >= 1 ? settings.baseAmount : 0;
  const bonus = counted >= settings.threshold ? settings.bonusAmount : 0;
  return { base, bonus, total: base + bonus };
}

/** Applies the rule to one professional's year. Pure; see the module comment. */
export function computeLedgerYear(
  input: LedgerYearInput,
  settings: LedgerSettings,
): LedgerYearResult {
  const [start, end] = boundsOf(input.year, settings.timeZone);
  const now = input.now.getTime();
  // Nothing after `now` has happened yet: open periods stop there.
  const hi = Math.min(end, now);
  const escaps: LedgerEscapLine[] = [];
  let counted = 0;
  let contributions = 0;
  for (const team of input.teams) {
    const member = memberSpans(team.memberships, now, start, hi);
    if (member.length === 0) continue;
    const active = intersect(member, activeSpans(team.statusEvents, start, hi));
    const c = counts(team.contributions);
    let reason: LedgerReason;
    if (active.length === 0) reason = 'not_active_while_member';
    else if (settings.requireContribution && c.total <= 0) reason = 'no_contribution';
    else reason = 'counted';
    const countsHere = reason === 'counted';
    if (countsHere) counted++;
    contributions += c.total;
    escaps.push({
      teamId: team.teamId,
      reference: team.reference,
      memberPeriods: toPeriods(member),
      activePeriods: toPeriods(active),
      contributions: c,
      counts: countsHere,
      reason,
    });
  }
  return {
    year: input.year,
    escaps,
    counted,
    contributions,
    amounts: ledgerAmounts(counted, settings),
    inProgress: now < end,
  };
}

/**
 * Calendar years of the participation ledger are counted in Europe/Paris time (a setting):
 * an edit at 23:30 UTC on 31 December already belongs to the next year in Paris.
 */
export const LEDGER_TIME_ZONE = 'Europe/Paris';

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(at: Date, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts as {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
  };
}

/** The calendar year an instant belongs to in the given zone. */
export function yearOf(at: Date, timeZone = LEDGER_TIME_ZONE): number {
  // Asked for every note edit and message (contributions count in their year): the bounds of
  // the last year found are kept per zone, so that formatting a date is needed only when an
  // instant falls outside them.
  const t = at.getTime();
  const known = knownYears.get(timeZone);
  if (known && t >= known.start && t < known.end) return known.year;
  const year = wallClock(at, timeZone).year;
  const { start, end } = yearBounds(year, timeZone);
  knownYears.set(timeZone, { year, start: start.getTime(), end: end.getTime() });
  return year;
}
const knownYears = new Map<string, { year: number; start: number; end: number }>();

/**
 * Whether two instants fall in the same calendar year of the zone: what is counted in one
 * ledger year never carries over into the next.
 */
export function sameYear(a: Date, b: Date, timeZone = LEDGER_TIME_ZONE): boolean {
  return yearOf(a, timeZone) === yearOf(b, timeZone);
}

/** The instant of local midnight starting 1 January of `year` in the zone. */
export function yearStart(year: number, timeZone = LEDGER_TIME_ZONE): Date {
  // Guess UTC midnight, then correct by the zone's offset at that instant (twice: the offset
  // can differ on either side of a change; 1 January is far from any, but stay exact).
  let guess = Date.UTC(year, 0, 1);
  for (let i = 0; i < 2; i++) {
    const w = wallClock(new Date(guess), timeZone);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    guess += Date.UTC(year, 0, 1) - asUtc;
  }
  return new Date(guess);
}

/** [start, end) of a calendar year in the zone. */
export function yearBounds(year: number, timeZone = LEDGER_TIME_ZONE): { start: Date; end: Date } {
  return { start: yearStart(year, timeZone), end: yearStart(year + 1, timeZone) };
}

import { describe, expect, it } from 'vitest';
import { sameYear, yearStart } from '../time.js';
import { EDITING_SESSION_GAP_MS, continuesSession } from './editing-session.js';

const at = (iso: string) => new Date(iso);
const session = (startedAt: string, lastAt = startedAt) => ({
  startedAt: at(startedAt),
  lastAt: at(lastAt),
});

describe('editing sessions', () => {
  it('extends a session with edits up to two minutes after its latest edit', () => {
    const s = session('2026-05-10T08:00:00Z', '2026-05-10T08:10:00Z');
    expect(continuesSession(s, at('2026-05-10T08:11:59.999Z'))).toBe(true);
    expect(continuesSession(s, at('2026-05-10T08:12:00Z'))).toBe(true);
    expect(continuesSession(s, at('2026-05-10T08:12:00.001Z'))).toBe(false);
    // Slightly out of order (another instance's clock): still the same session.
    expect(continuesSession(s, at('2026-05-10T08:09:00Z'))).toBe(true);
  });

  it('never spans a Paris year boundary (23:59:29 then 00:00:28 in Paris)', () => {
    // 31 December 2025, 23:59:29 in Paris is 22:59:29 UTC (winter time, UTC+1).
    const s = session('2025-12-31T22:59:29Z');
    expect(continuesSession(s, at('2025-12-31T22:59:59.999Z'))).toBe(true);
    expect(continuesSession(s, at('2025-12-31T23:00:00Z'))).toBe(false);
    expect(continuesSession(s, at('2025-12-31T23:00:28Z'))).toBe(false);
    // The new year's first session goes on as usual.
    const next = session('2025-12-31T23:00:28Z');
    expect(continuesSession(next, at('2025-12-31T23:01:30Z'))).toBe(true);
  });

  it('judges the year by the session start, so a session stored across the boundary ends', () => {
    // A row written before the rule (started in 2025, extended into 2026): its contribution
    // was counted in 2025, so a 2026 edit must open a session of its own.
    const legacy = session('2025-12-31T22:59:00Z', '2025-12-31T23:00:30Z');
    expect(continuesSession(legacy, at('2025-12-31T23:01:00Z'))).toBe(false);
  });

  it('cuts at midnight of the zone given, not at UTC midnight', () => {
    const s = session('2025-12-31T23:59:00Z');
    expect(continuesSession(s, at('2026-01-01T00:00:30Z'))).toBe(true); // Paris: same 2026
    expect(continuesSession(s, at('2026-01-01T00:00:30Z'), 'UTC')).toBe(false);
  });

  it('agrees with the year rule at every second around midnight', () => {
    const midnight = yearStart(2027).getTime();
    for (let from = -150; from <= 30; from += 7) {
      const start = new Date(midnight + from * 1000);
      for (let d = 0; d <= EDITING_SESSION_GAP_MS / 1000 + 1; d++) {
        const edit = new Date(start.getTime() + d * 1000);
        const expected = d * 1000 <= EDITING_SESSION_GAP_MS && sameYear(start, edit);
        expect(continuesSession(session(start.toISOString()), edit)).toBe(expected);
      }
    }
  });
});

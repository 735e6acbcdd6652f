import { describe, expect, it } from 'vitest';
import { sameYear, yearBounds, yearOf, yearStart } from './time.js';

describe('Paris calendar years', () => {
  it('starts a year at Paris midnight (UTC+1 in winter)', () => {
    expect(yearStart(2026).toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(yearBounds(2026).end.toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });

  it('puts the last UTC hour of 31 December in the next Paris year', () => {
    expect(yearOf(new Date('2026-12-31T22:59:59.999Z'))).toBe(2026);
    expect(yearOf(new Date('2026-12-31T23:00:00.000Z'))).toBe(2027);
  });

  it('answers the same whatever was asked before (the bounds it keeps per zone)', () => {
    // Each instant asked once after a date of another year and once after itself: the kept
    // bounds of the year before must not answer for the first instant of the next.
    const instants = [
      '2026-06-15T12:00:00Z',
      '2026-12-31T22:59:59.999Z',
      '2026-12-31T23:00:00.000Z',
      '2025-12-31T22:59:59.999Z',
      '2025-12-31T23:00:00.000Z',
      '2027-03-28T01:30:00Z',
    ];
    const expected = [2026, 2026, 2027, 2025, 2026, 2027];
    for (const [i, iso] of instants.entries()) {
      expect(yearOf(new Date(instants[(i + 3) % instants.length]!))).toBeTypeOf('number');
      expect(yearOf(new Date(iso))).toBe(expected[i]);
      expect(yearOf(new Date(iso))).toBe(expected[i]);
      expect(yearOf(new Date(iso), 'UTC')).toBe(Number(iso.slice(0, 4)));
    }
    expect(() => yearOf(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('follows the zone given', () => {
    expect(yearStart(2026, 'UTC').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(yearOf(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe(2026);
  });
});

describe('sameYear', () => {
  it('cuts at Paris midnight', () => {
    const before = new Date('2025-12-31T22:59:59.999Z');
    expect(sameYear(before, new Date('2025-01-01T00:00:00Z'))).toBe(true);
    expect(sameYear(before, new Date('2025-12-31T23:00:00Z'))).toBe(false);
    expect(sameYear(before, new Date('2025-12-31T23:00:00Z'), 'UTC')).toBe(true);
  });
});

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

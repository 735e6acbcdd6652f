import { describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_SETTINGS } from '../../../../shared/src/rules/ledger-settings.js';
import {
  describeSettings,
  formatDay,
  formatEuros,
  formatPeriod,
  formatPeriods,
  parseYear,
  progressOf,
} from './format.js';

const PARIS = 'Europe/Paris';
// Intl separates thousands and the euro sign with no-break spaces: compare on plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatEuros', () => {
  it('writes amounts the French way', () => {
    expect(plain(formatEuros(100))).toBe('100 €');
    expect(plain(formatEuros(0))).toBe('0 €');
    expect(plain(formatEuros(1250))).toBe('1 250 €');
    expect(plain(formatEuros(12.5))).toBe('12,50 €');
  });
});

describe('formatDay', () => {
  it('writes the day in the ledger time zone, not the browser one', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(formatDay('2025-12-31T23:30:00.000Z', PARIS)).toBe('01/01/2026');
    expect(formatDay('2025-12-31T23:30:00.000Z', 'UTC')).toBe('31/12/2025');
    expect(formatDay('not a date', PARIS)).toBe('not a date');
  });
});

describe('formatPeriod', () => {
  it('shows the last day included: an end clipped at midnight is the day before', () => {
    const period = { from: '2026-02-28T23:00:00.000Z', to: '2026-06-14T22:00:00.000Z' };
    expect(formatPeriod(period, PARIS)).toBe('du 01/03/2026 au 14/06/2026');
    const wholeYear = { from: '2025-12-31T23:00:00.000Z', to: '2026-12-31T23:00:00.000Z' };
    expect(formatPeriod(wholeYear, PARIS)).toBe('du 01/01/2026 au 31/12/2026');
  });

  it('ends on the day it stopped when it stopped during the day', () => {
    const period = { from: '2026-03-01T09:00:00.000Z', to: '2026-03-10T15:30:00.000Z' };
    expect(formatPeriod(period, PARIS)).toBe('du 01/03/2026 au 10/03/2026');
  });

  it('says a one-day period once', () => {
    const oneDay = { from: '2026-03-01T09:00:00.000Z', to: '2026-03-01T15:00:00.000Z' };
    expect(formatPeriod(oneDay, PARIS)).toBe('le 01/03/2026');
  });

  it('lists periods, or says there is none', () => {
    expect(formatPeriods([], PARIS)).toEqual(['aucune']);
    const periods = [
      { from: '2026-01-05T09:00:00.000Z', to: '2026-02-01T09:00:00.000Z' },
      { from: '2026-03-01T09:00:00.000Z', to: '2026-04-01T09:00:00.000Z' },
    ];
    expect(formatPeriods(periods, PARIS)).toEqual([
      'du 05/01/2026 au 01/02/2026',
      'du 01/03/2026 au 01/04/2026',
    ]);
  });
});

describe('progressOf', () => {
  it('shows the count against the threshold and caps the bar at it', () => {
    expect(progressOf(3, 5)).toEqual({ label: '3 / 5 ESCAP', value: 3, max: 5, remaining: 2 });
    expect(progressOf(7, 5)).toEqual({ label: '7 / 5 ESCAP', value: 5, max: 5, remaining: 0 });
    expect(progressOf(0, 5).remaining).toBe(5);
  });
});

describe('describeSettings', () => {
  it('states the rule in force with its amounts, threshold and time zone', () => {
    const lines = describeSettings(DEFAULT_LEDGER_SETTINGS).map(plain);
    expect(lines[0]).toBe(
      '100 € par an pour l’utilisation de l’outil (au moins une ESCAP comptée).',
    );
    expect(lines[1]).toBe('100 € de plus à partir de 5 ESCAP comptées.');
    expect(lines[2]).toContain('s’il y a contribué');
    expect(lines[3]).toBe('Année civile, dates au fuseau horaire Europe/Paris.');
  });

  it('says when no contribution is required', () => {
    const lines = describeSettings({ ...DEFAULT_LEDGER_SETTINGS, requireContribution: false });
    expect(lines[2]).not.toContain('contribué');
  });
});

describe('parseYear', () => {
  it('reads a four-digit year and ignores anything else', () => {
    expect(parseYear('2026')).toBe(2026);
    expect(parseYear(null)).toBeUndefined();
    expect(parseYear('26')).toBeUndefined();
    expect(parseYear('2026abc')).toBeUndefined();
  });
});

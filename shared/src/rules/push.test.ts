import { describe, expect, it } from 'vitest';
import { DEFAULT_PUSH_PREFERENCES, pushPreferencesSchema, type PushPreferences } from '../push.js';
import { inQuietHours, parisMinutes, pushAllowed } from './push.js';

const night = { start: '22:00', end: '07:00' };

describe('parisMinutes', () => {
  it('reads the Paris clock in winter (UTC+1) and in summer (UTC+2)', () => {
    expect(parisMinutes(new Date('2026-01-15T21:30:00Z'))).toBe(22 * 60 + 30);
    expect(parisMinutes(new Date('2026-07-15T21:30:00Z'))).toBe(23 * 60 + 30);
    expect(parisMinutes(new Date('2026-07-15T22:05:00Z'))).toBe(5);
  });

  it('follows the change of time on the night it happens', () => {
    // 29 March 2026: 02:00 becomes 03:00 at 01:00 UTC.
    expect(parisMinutes(new Date('2026-03-29T00:59:00Z'))).toBe(1 * 60 + 59);
    expect(parisMinutes(new Date('2026-03-29T01:00:00Z'))).toBe(3 * 60);
  });
});

describe('inQuietHours', () => {
  it('spans midnight: from the start included to the end excluded', () => {
    const paris = (hhmm: string) => new Date(`2026-01-15T${hhmm}:00+01:00`);
    expect(inQuietHours(night, paris('21:59'))).toBe(false);
    expect(inQuietHours(night, paris('22:00'))).toBe(true);
    expect(inQuietHours(night, paris('03:00'))).toBe(true);
    expect(inQuietHours(night, paris('06:59'))).toBe(true);
    expect(inQuietHours(night, paris('07:00'))).toBe(false);
  });

  it('within one day (a lunch break)', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(inQuietHours(lunch, new Date('2026-07-15T10:30:00Z'))).toBe(true); // 12:30 in Paris
    expect(inQuietHours(lunch, new Date('2026-07-15T12:30:00Z'))).toBe(false); // 14:30
    expect(inQuietHours(lunch, new Date('2026-07-15T09:30:00Z'))).toBe(false); // 11:30
  });

  it('none set: never quiet', () => {
    expect(inQuietHours(null, new Date('2026-01-15T02:00:00Z'))).toBe(false);
  });
});

describe('pushAllowed', () => {
  const noon = new Date('2026-01-15T11:00:00Z');
  const prefs = (change: Partial<PushPreferences> = {}): PushPreferences => ({
    ...DEFAULT_PUSH_PREFERENCES,
    ...change,
  });

  it('sends everything by default', () => {
    expect(pushAllowed(prefs(), 'message', { teamMuted: false, at: noon })).toBe(true);
  });

  it('an event turned off, a muted team, quiet hours: not sent', () => {
    const off = prefs({ events: { ...DEFAULT_PUSH_PREFERENCES.events, message: false } });
    expect(pushAllowed(off, 'message', { teamMuted: false, at: noon })).toBe(false);
    expect(pushAllowed(off, 'mention', { teamMuted: false, at: noon })).toBe(true);
    expect(pushAllowed(prefs(), 'alert', { teamMuted: true, at: noon })).toBe(false);
    const lunch = prefs({ quietHours: { start: '11:30', end: '13:00' } });
    expect(pushAllowed(lunch, 'alert', { teamMuted: false, at: noon })).toBe(false);
  });

  it('an invitation is about a team one is not in: muting it does not apply', () => {
    expect(pushAllowed(prefs(), 'invitation', { teamMuted: true, at: noon })).toBe(true);
  });
});

describe('pushPreferencesSchema', () => {
  it('takes the defaults and refuses a malformed hour, an empty range or an unknown event', () => {
    expect(pushPreferencesSchema.safeParse(DEFAULT_PUSH_PREFERENCES).success).toBe(true);
    const bad = (quietHours: unknown) =>
      pushPreferencesSchema.safeParse({ ...DEFAULT_PUSH_PREFERENCES, quietHours }).success;
    expect(bad({ start: '24:00', end: '07:00' })).toBe(false);
    expect(bad({ start: '7:00', end: '08:00' })).toBe(false);
    expect(bad({ start: '08:00', end: '08:00' })).toBe(false);
    expect(
      pushPreferencesSchema.safeParse({
        ...DEFAULT_PUSH_PREFERENCES,
        events: { ...DEFAULT_PUSH_PREFERENCES.events, weather: true },
      }).success,
    ).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { formatDate, fullName, nameWithProfession, plural, todayIso } from './format.js';

describe('formatDate', () => {
  it('writes calendar dates in French, never shifted by the time zone', () => {
    expect(formatDate('2027-03-12')).toBe('12 mars 2027');
    expect(formatDate('1950-01-01')).toBe('1er janvier 1950');
  });

  it('writes timestamps as local dates', () => {
    expect(formatDate('2027-03-12T12:00:00.000Z')).toBe('12 mars 2027');
    expect(formatDate('not a date')).toBe('not a date');
  });
});

describe('names and counts', () => {
  const ref = { id: '1', firstName: 'Jeanne', lastName: 'Martin', profession: 'medecin' as const };

  it('names professionals', () => {
    expect(fullName(ref)).toBe('Jeanne Martin');
    expect(nameWithProfession(ref)).toBe('Jeanne Martin (Médecin)');
  });

  it('agrees in number', () => {
    expect(plural(1, 'membre')).toBe('1 membre');
    expect(plural(3, 'membre')).toBe('3 membres');
  });

  it('gives today for date inputs', () => {
    expect(todayIso(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
});

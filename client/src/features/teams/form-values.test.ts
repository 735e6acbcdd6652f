import { describe, expect, it } from 'vitest';
import { inclusionInput, isBelowThreshold, optional, scoreInput } from './form-values.js';

describe('form values', () => {
  it('reads the score as typed', () => {
    expect(scoreInput('')).toBeUndefined();
    expect(scoreInput(' 14 ')).toBe(14);
    expect(scoreInput('12,5')).toBe(12.5);
    expect(scoreInput('douze')).toBeNaN();
  });

  it('tells a score below the threshold in force', () => {
    expect(isBelowThreshold('12', 13)).toBe(true);
    expect(isBelowThreshold('13', 13)).toBe(false);
    expect(isBelowThreshold('', 13)).toBe(false);
    expect(isBelowThreshold('5', undefined)).toBe(false);
  });

  it('leaves out blank optional fields and the motive of other categories', () => {
    expect(optional('  ')).toBeUndefined();
    expect(
      inclusionInput({
        category: 'soins_palliatifs',
        otherReason: 'x',
        gridVersion: 'v1',
        score: '3',
      }),
    ).toEqual({
      category: 'soins_palliatifs',
      otherReason: undefined,
      gridVersion: 'v1',
      score: 3,
    });
  });
});

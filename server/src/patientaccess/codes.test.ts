import { describe, expect, it } from 'vitest';
import { CODE_DIGITS, normaliseCode } from '../../../shared/src/rules/patient-access.js';
import { codeMatches, hashCode, newCode } from './codes.js';

const secret = 'x'.repeat(32);

describe('patient access codes', () => {
  it('are eight digits, leading zeros kept, and accepted by the shared shape rule', () => {
    for (let i = 0; i < 200; i++) {
      const code = newCode();
      expect(code).toHaveLength(CODE_DIGITS);
      expect(normaliseCode(code)).toBe(code);
    }
  });

  it('are stored as a keyed hash that neither shows the code nor matches without the key', () => {
    const stored = hashCode(secret, 'grant-1', '01234567');
    expect(stored).not.toContain('01234567');
    expect(codeMatches(secret, 'grant-1', '01234567', stored)).toBe(true);
    expect(codeMatches('y'.repeat(32), 'grant-1', '01234567', stored)).toBe(false);
  });

  it('match only their own grant and their own digits', () => {
    const stored = hashCode(secret, 'grant-1', '01234567');
    expect(codeMatches(secret, 'grant-2', '01234567', stored)).toBe(false);
    expect(codeMatches(secret, 'grant-1', '01234568', stored)).toBe(false);
    expect(codeMatches(secret, 'grant-1', '01234567', 'not-hex')).toBe(false);
  });
});

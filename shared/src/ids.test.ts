import { describe, expect, it } from 'vitest';
import { isValidNir, isValidRpps, nirKey, normalizeRpps } from './ids.js';

describe('RPPS', () => {
  it.each(['10000000001', '81234567890', '123 456 789 01'])('accepts %s', (rpps) => {
    expect(isValidRpps(rpps)).toBe(true);
  });
  it.each([
    '',
    '1234567890',
    '123456789012',
    '1234567890a',
    '1234-567890',
    '１２３４５６７８９０１',
  ])('refuses %j', (rpps) => {
    expect(isValidRpps(rpps)).toBe(false);
  });
  it('removes spaces', () => {
    expect(normalizeRpps(' 123 456 78901 ')).toBe('12345678901');
  });
});

describe('NIR (INS matricule)', () => {
  it('computes the key as 97 - (number mod 97)', () => {
    expect(nirKey('1850578006084')).toBe(91);
    expect(nirKey('2690949123456')).toBe(21);
  });
  it('reads Corsica 2A as 19 and 2B as 18', () => {
    expect(nirKey('255082A123456')).toBe(46);
    expect(nirKey('255082B123456')).toBe(73);
  });
  it.each(['185057800608491', '1 85 05 78 006 084 91', '255082A12345646', '255082b12345673'])(
    'accepts %s',
    (nir) => {
      expect(isValidNir(nir)).toBe(true);
    },
  );
  it.each([
    ['wrong key', '185057800608492'],
    ['2A with the 2B key', '255082A12345673'],
    ['too short', '18505780060849'],
    ['letters elsewhere', '1850578A0608491'],
    ['bad sex digit', '985057800608491'],
  ])('refuses %s', (_label, nir) => {
    expect(isValidNir(nir)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { newReference, newStatementCode, normaliseStatementCode } from './codes.js';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

describe('statement codes', () => {
  it('are 16 Crockford base32 characters (80 random bits), all different', () => {
    const codes = Array.from({ length: 2000 }, newStatementCode);
    for (const c of codes) expect(c).toMatch(CROCKFORD);
    expect(new Set(codes).size).toBe(codes.length);
    // Every symbol shows up: the bits are spread over the whole alphabet.
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(32);
  });

  it('are read loosely: case, spaces, dashes and look-alike letters', () => {
    expect(normaliseStatementCode('abcd-efgh-jkmn-pqrs')).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(normaliseStatementCode(' abcd efgh jkmn pqrs ')).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(normaliseStatementCode('OIL0-0000-0000-0000')).toBe('0110-0000-0000-0000');
  });

  it('refuse anything that is not a code', () => {
    for (const bad of [
      '',
      'ABCD',
      'ABCD-EFGH-JKMN-PQR',
      'ABCD-EFGH-JKMN-PQRST',
      'UUUU-0000-0000-0000',
      'ABCD-EFGH-JKMN-PQR!',
      'A'.repeat(100),
    ])
      expect(normaliseStatementCode(bad)).toBeUndefined();
  });
});

describe('ESCAP references', () => {
  it('are E- and 8 base32 characters', () => {
    const refs = Array.from({ length: 500 }, newReference);
    for (const r of refs) expect(r).toMatch(/^E-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(new Set(refs).size).toBe(refs.length);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CODE_TTL_MS,
  MAX_CODE_ATTEMPTS,
  codeRefusal,
  normaliseCode,
  patientSessionOpen,
} from './patient-access.js';

describe('codeRefusal', () => {
  const issued = 1_000_000;
  const fresh = {
    expiresAt: issued + CODE_TTL_MS,
    usedAt: null,
    failedAttempts: 0,
    grantRevokedAt: null,
  };

  it('lets a fresh code be tried until the last millisecond of its life', () => {
    expect(codeRefusal(fresh, issued)).toBeNull();
    expect(codeRefusal(fresh, issued + CODE_TTL_MS - 1)).toBeNull();
    expect(codeRefusal(fresh, issued + CODE_TTL_MS)).toBe('expired');
  });

  it('refuses a used code, a burnt one and one whose grant was revoked', () => {
    expect(codeRefusal({ ...fresh, usedAt: issued }, issued)).toBe('used');
    expect(codeRefusal({ ...fresh, failedAttempts: MAX_CODE_ATTEMPTS - 1 }, issued)).toBeNull();
    expect(codeRefusal({ ...fresh, failedAttempts: MAX_CODE_ATTEMPTS }, issued)).toBe('locked');
    expect(codeRefusal({ ...fresh, grantRevokedAt: issued }, issued)).toBe('revoked');
  });

  it('names revocation first: it is the reason that outranks every other', () => {
    const all = { expiresAt: issued, usedAt: issued, failedAttempts: 99, grantRevokedAt: issued };
    expect(codeRefusal(all, issued + CODE_TTL_MS)).toBe('revoked');
  });
});

describe('normaliseCode', () => {
  it('drops the spaces and dashes of a copied code and refuses anything else', () => {
    expect(normaliseCode(' 1234 5678 ')).toBe('12345678');
    expect(normaliseCode('1234-5678')).toBe('12345678');
    expect(normaliseCode('1234567')).toBeNull();
    expect(normaliseCode('123456789')).toBeNull();
    expect(normaliseCode('1234567a')).toBeNull();
    expect(normaliseCode('١٢٣٤٥٦٧٨')).toBeNull();
  });
});

describe('patientSessionOpen', () => {
  it('ends with its lifetime or at once with its grant', () => {
    expect(patientSessionOpen({ expiresAt: 10, grantRevokedAt: null }, 9)).toBe(true);
    expect(patientSessionOpen({ expiresAt: 10, grantRevokedAt: null }, 10)).toBe(false);
    expect(patientSessionOpen({ expiresAt: 10, grantRevokedAt: 5 }, 6)).toBe(false);
  });
});

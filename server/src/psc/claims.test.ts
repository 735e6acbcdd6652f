import { describe, expect, it } from 'vitest';
import { identityOf, rppsOfIdNat } from './claims.js';

const claims = (patch: Record<string, unknown> = {}) => ({
  sub: 'f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:ANS20211111',
  SubjectNameID: '810101010101',
  given_name: 'Zoé',
  family_name: 'LEFÈVRE',
  SubjectRefPro: {
    exercices: [{ codeProfession: '10', nomDExercice: 'LEFÈVRE', prenomDExercice: 'Zoé' }],
  },
  ...patch,
});

describe("Pro Santé Connect's claims", () => {
  it('take the RPPS from the national identifier (8 + RPPS)', () => {
    expect(rppsOfIdNat('810101010101')).toBe('10101010101');
    expect(rppsOfIdNat('10101010101')).toBe('10101010101');
    expect(rppsOfIdNat('010101010')).toBeNull();
    expect(rppsOfIdNat(undefined)).toBeNull();
  });

  it('give the identity of the first exercise whose profession ESCAP has', () => {
    expect(identityOf(claims())).toEqual({
      rpps: '10101010101',
      profession: 'medecin',
      firstName: 'Zoé',
      lastName: 'LEFÈVRE',
      email: null,
    });
    const two = claims({
      SubjectRefPro: { exercices: [{ codeProfession: '69' }, { codeProfession: '60' }] },
    });
    expect(identityOf(two)).toMatchObject({ profession: 'infirmier', firstName: 'Zoé' });
  });

  it('refuse what is missing, unsupported or spoofed', () => {
    expect(() => identityOf(claims({ SubjectNameID: undefined }))).toThrow();
    expect(() =>
      identityOf(claims({ SubjectRefPro: { exercices: [{ codeProfession: '69' }] } })),
    ).toThrow(expect.objectContaining({ code: 'psc_profession_unsupported' }) as Error);
    expect(() =>
      identityOf(
        claims({
          SubjectRefPro: { exercices: [{ codeProfession: '10', nomDExercice: 'A\u202EB' }] },
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'psc_failed' }) as Error);
  });
});

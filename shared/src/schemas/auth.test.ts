import { describe, expect, it } from 'vitest';
import { PROFESSIONS, PROFESSION_LABELS, isProfession } from '../professions.js';
import { firstIssue } from '../validation.js';
import { signInSchema, signUpSchema } from './auth.js';

const valid = {
  rpps: '123 456 789 01',
  profession: 'pharmacien',
  firstName: '  Anne ',
  lastName: 'Roux',
  email: ' Anne.Roux@Exemple.FR ',
  password: 'douze caractères',
};

describe('sign-up schema', () => {
  it('normalises RPPS, names and e-mail', () => {
    expect(signUpSchema.parse(valid)).toEqual({
      ...valid,
      rpps: '12345678901',
      firstName: 'Anne',
      email: 'anne.roux@exemple.fr',
    });
  });

  it.each([
    ['rpps', { rpps: '123' }, 'Le numéro RPPS doit comporter 11 chiffres.'],
    ['profession', { profession: 'sorcier' }, 'Choisissez une profession de la liste.'],
    ['firstName', { firstName: '   ' }, 'Le prénom est obligatoire.'],
    ['email', { email: 'anne@' }, 'L’adresse e-mail n’est pas valide.'],
    ['password', { password: 'court' }, 'Le mot de passe doit comporter au moins 12 caractères.'],
  ])('reports %s in French', (field, patch, message) => {
    const result = signUpSchema.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    expect(firstIssue(result.error!)).toEqual({ field, message });
  });

  it('refuses unknown keys rather than storing them', () => {
    const result = signUpSchema.safeParse({ ...valid, role: 'admin' });
    expect(result.success).toBe(false);
    expect(firstIssue(result.error!).message).toContain('role');
  });

  it('accepts every UNPS profession and only those', () => {
    for (const p of PROFESSIONS) {
      expect(signUpSchema.safeParse({ ...valid, profession: p }).success).toBe(true);
      expect(PROFESSION_LABELS[p]).toBeTruthy();
      expect(isProfession(p)).toBe(true);
    }
    expect(isProfession('medecin ')).toBe(false);
    expect(isProfession(undefined)).toBe(false);
  });
});

describe('sign-in schema', () => {
  it('needs an identifier and a password', () => {
    expect(signInSchema.safeParse({ identifier: ' x ', password: 'y' }).success).toBe(true);
    expect(firstIssue(signInSchema.safeParse({ identifier: '', password: 'y' }).error!).field).toBe(
      'identifier',
    );
    expect(firstIssue(signInSchema.safeParse({ identifier: 'x' }).error!).field).toBe('password');
  });
});

import { describe, expect, it } from 'vitest';
import { errorsWithin } from './forms.js';

describe('errorsWithin', () => {
  it('keeps the errors of a group, named within it', () => {
    const errors = {
      'patient.identity.birthName': 'Le nom de naissance est obligatoire.',
      'patient.ins': 'Le matricule INS est invalide.',
      'inclusion.score': 'Le score est un nombre.',
    };
    expect(errorsWithin(errors, 'patient')).toEqual({
      'identity.birthName': 'Le nom de naissance est obligatoire.',
      ins: 'Le matricule INS est invalide.',
    });
  });
});

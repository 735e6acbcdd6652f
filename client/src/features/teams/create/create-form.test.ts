import { describe, expect, it } from 'vitest';
import { createTeamSchema } from '../../../../../shared/src/schemas/teams.js';
import { fromZodError } from '../../../lib/forms.js';
import {
  CREATE_FIELDS,
  createFieldOfCode,
  createTeamInput,
  emptyCreateTeamValues,
  type CreateTeamValues,
} from './create-form.js';

function filled(): CreateTeamValues {
  const values = emptyCreateTeamValues('self', '2026-01-05');
  values.patient.identity = {
    birthName: 'Dupont',
    firstNames: 'Marie Louise',
    usedName: '',
    sex: 'F',
    birthDate: '1940-05-02',
    birthPlaceCode: '2a004',
  };
  values.inclusion = {
    category: 'soins_palliatifs',
    otherReason: 'ignoré',
    gridVersion: '2025-1',
    score: '15',
  };
  values.consent.method = 'oral';
  return values;
}

describe('createTeamInput', () => {
  it('builds a body the shared schema accepts, without the empty optional fields', () => {
    const parsed = createTeamSchema.parse(createTeamInput(filled()));
    expect(parsed.patient.identity.birthPlaceCode).toBe('2A004');
    expect(parsed.patient.identity.usedName).toBeUndefined();
    expect(parsed.patient.contact).toBeUndefined();
    expect(parsed.inclusion).toEqual({
      category: 'soins_palliatifs',
      gridVersion: '2025-1',
      score: 15,
    });
    expect(parsed.medecinTraitant).toEqual({ self: true });
  });

  it('names every invalid field with the schema messages', () => {
    const values = emptyCreateTeamValues('rpps', '');
    values.inclusion.score = '12,5';
    values.medecinTraitant.rpps = '123';
    values.patient.contact.phone = 'abc';
    const result = createTeamSchema.safeParse(createTeamInput(values));
    expect(result.success).toBe(false);
    const errors = fromZodError(result.error!, CREATE_FIELDS);
    expect(errors.fields).toMatchObject({
      'patient.identity.birthName': 'Le nom de naissance est obligatoire.',
      'patient.identity.sex': 'Choisissez le sexe.',
      'patient.contact.phone': 'Le numéro de téléphone n’est pas valide.',
      'inclusion.score': 'Le score est un nombre entier.',
      'consent.date': 'La date du consentement est obligatoire.',
      'medecinTraitant.rpps': 'Le numéro RPPS doit comporter 11 chiffres.',
    });
  });

  it('asks for the motive of the "autre" category', () => {
    const values = filled();
    values.inclusion.category = 'autre';
    values.inclusion.otherReason = ' ';
    const result = createTeamSchema.safeParse(createTeamInput(values));
    expect(fromZodError(result.error!, CREATE_FIELDS).fields['inclusion.otherReason']).toBe(
      'Précisez le motif.',
    );
  });

  it('asks to designate the médecin traitant', () => {
    const values = filled();
    values.medecinTraitant.mode = '';
    const result = createTeamSchema.safeParse(createTeamInput(values));
    expect(fromZodError(result.error!, CREATE_FIELDS).fields.medecinTraitant).toBe(
      'Désignez le médecin traitant.',
    );
  });
});

describe('createFieldOfCode', () => {
  it('attaches field-less server errors to their field', () => {
    expect(createFieldOfCode('score_below_threshold', 'self')).toBe('inclusion.score');
    expect(createFieldOfCode('not_a_physician', 'self')).toBe('medecinTraitant');
    expect(createFieldOfCode('not_a_physician', 'rpps')).toBe('medecinTraitant.rpps');
    expect(createFieldOfCode('forbidden', 'rpps')).toBeUndefined();
  });
});

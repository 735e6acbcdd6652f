import { describe, expect, it } from 'vitest';
import { ESCAP_UNPS_2025 as grid } from '../../../../../shared/src/grid/escap-unps-2025.js';
import { createTeamSchema } from '../../../../../shared/src/schemas/teams.js';
import { fromZodError } from '../../../lib/forms.js';
import {
  CREATE_FIELDS,
  createFieldOfCode,
  createTeamInput,
  emptyCreateTeamValues,
  type CreateTeamValues,
} from './create-form.js';

const STANDARD = grid.factors.filter((f) => !f.pregnancyOnly).map((f) => f.id);

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
    pregnant: false,
    // A pregnancy level ticked before unticking "enceinte" is not sent.
    answers: { ...Object.fromEntries(STANDARD.map((f) => [f, 'modere'])), grossesse: 'severe' },
  };
  values.consent.method = 'oral';
  return values;
}

describe('createTeamInput', () => {
  it('builds a body the shared schema accepts, without the empty optional fields', () => {
    const parsed = createTeamSchema.parse(createTeamInput(filled(), grid));
    expect(parsed.patient.identity.birthPlaceCode).toBe('2A004');
    expect(parsed.patient.identity.usedName).toBeUndefined();
    expect(parsed.patient.contact).toBeUndefined();
    expect(parsed.inclusion).toEqual({
      category: 'soins_palliatifs',
      gridVersion: grid.version,
      pregnant: false,
      answers: Object.fromEntries(STANDARD.map((f) => [f, 'modere'])),
    });
    expect(parsed.medecinTraitant).toEqual({ self: true });
  });

  it('names every invalid field with the schema messages', () => {
    const values = emptyCreateTeamValues('rpps', '');
    values.medecinTraitant.rpps = '123';
    values.patient.contact.phone = 'abc';
    const result = createTeamSchema.safeParse(createTeamInput(values, grid));
    expect(result.success).toBe(false);
    const errors = fromZodError(result.error!, CREATE_FIELDS);
    expect(errors.fields).toMatchObject({
      'patient.identity.birthName': 'Le nom de naissance est obligatoire.',
      'patient.identity.sex': 'Choisissez le sexe.',
      'patient.contact.phone': 'Le numéro de téléphone n’est pas valide.',
      'inclusion.category': 'Choisissez la situation du patient.',
      'consent.date': 'La date du consentement est obligatoire.',
      'medecinTraitant.rpps': 'Le numéro RPPS doit comporter 11 chiffres.',
    });
  });

  it('asks to designate the médecin traitant', () => {
    const values = filled();
    values.medecinTraitant.mode = '';
    const result = createTeamSchema.safeParse(createTeamInput(values, grid));
    expect(fromZodError(result.error!, CREATE_FIELDS).fields.medecinTraitant).toBe(
      'Désignez le médecin traitant.',
    );
  });
});

describe('createFieldOfCode', () => {
  it('attaches field-less server errors to their field', () => {
    expect(createFieldOfCode('score_below_threshold', 'self')).toBe('inclusion.answers');
    expect(createFieldOfCode('grid_incomplete', 'self')).toBe('inclusion.answers');
    expect(createFieldOfCode('not_a_physician', 'self')).toBe('medecinTraitant');
    expect(createFieldOfCode('not_a_physician', 'rpps')).toBe('medecinTraitant.rpps');
    expect(createFieldOfCode('forbidden', 'rpps')).toBeUndefined();
  });
});

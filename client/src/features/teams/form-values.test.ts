import { describe, expect, it } from 'vitest';
import { patientUpdateSchema } from '../../../../shared/src/schemas/patient.js';
import { fromZodError } from '../../lib/forms.js';
import { ESCAP_UNPS_2025 as grid } from '../../../../shared/src/grid/escap-unps-2025.js';
import {
  gridProblem,
  inclusionInput,
  optional,
  PATIENT_FIELDS,
  patientUpdateInput,
  patientValuesOf,
} from './form-values.js';

describe('form values', () => {
  const all = (level: string) =>
    Object.fromEntries(grid.factors.filter((f) => !f.pregnancyOnly).map((f) => [f.id, level]));

  it('tells what the live score says before sending', () => {
    const values = { category: 'soins_palliatifs', pregnant: false, answers: all('modere') };
    expect(gridProblem(values, grid)).toBeNull();
    expect(gridProblem({ ...values, answers: { ...all('modere'), age: 'absent' } }, grid)).toBe(
      'score_below_threshold',
    );
    expect(gridProblem({ ...values, answers: { age: 'severe' } }, grid)).toBe('grid_incomplete');
    expect(gridProblem({ ...values, pregnant: true }, grid)).toBe('grid_incomplete');
    expect(gridProblem(values, null)).toBeNull();
    // A pregnancy level left from before "enceinte" was unticked does not count.
    expect(
      gridProblem({ ...values, answers: { ...all('modere'), grossesse: 'severe' } }, grid),
    ).toBeNull();
  });

  it('sends the grid version and only the answers that count', () => {
    expect(optional('  ')).toBeUndefined();
    expect(
      inclusionInput(
        {
          category: 'soins_palliatifs',
          pregnant: false,
          answers: { age: 'modere', grossesse: 'severe' },
        },
        grid,
      ),
    ).toEqual({
      category: 'soins_palliatifs',
      gridVersion: grid.version,
      pregnant: false,
      answers: { age: 'modere' },
    });
  });
});

describe('patient values', () => {
  const patient = {
    identity: {
      birthName: 'Dupont',
      firstNames: 'Marie Louise',
      usedName: 'Martin',
      sex: 'F' as const,
      birthDate: '1942-05-02',
      birthPlaceCode: '2A004',
    },
    ins: '185057800608491',
    contact: { phone: '01 23 45 67 89' },
  };

  it('starts from the file as it stands and sends it back unchanged', () => {
    const values = patientValuesOf(patient);
    expect(values.contact).toEqual({ phone: '01 23 45 67 89', address: '' });
    expect(patientUpdateSchema.parse(patientUpdateInput(values))).toEqual(patient);
  });

  it('sends a removed INS as null and drops the emptied fields', () => {
    const values = patientValuesOf(patient);
    values.ins = ' ';
    values.identity.usedName = '';
    values.contact.phone = '';
    const parsed = patientUpdateSchema.parse(patientUpdateInput(values));
    expect(parsed.ins).toBeNull();
    expect(parsed.identity?.usedName).toBeUndefined();
    expect(parsed.contact).toEqual({});
  });

  it('names the invalid fields by their path in the update schema', () => {
    const values = patientValuesOf({ identity: { ...patient.identity, birthName: '' } });
    values.ins = '123456789012345';
    const result = patientUpdateSchema.safeParse(patientUpdateInput(values));
    expect(fromZodError(result.error!, PATIENT_FIELDS).fields).toEqual({
      'identity.birthName': 'Le nom de naissance est obligatoire.',
      ins: 'Le matricule INS est invalide (15 caractères, clé de contrôle).',
    });
  });
});

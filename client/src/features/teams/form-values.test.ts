import { describe, expect, it } from 'vitest';
import { patientUpdateSchema } from '../../../../shared/src/schemas/patient.js';
import { fromZodError } from '../../lib/forms.js';
import {
  inclusionInput,
  isBelowThreshold,
  optional,
  PATIENT_FIELDS,
  patientUpdateInput,
  patientValuesOf,
  scoreInput,
} from './form-values.js';

describe('form values', () => {
  it('reads the score as typed', () => {
    expect(scoreInput('')).toBeUndefined();
    expect(scoreInput(' 14 ')).toBe(14);
    expect(scoreInput('12,5')).toBe(12.5);
    expect(scoreInput('douze')).toBeNaN();
  });

  it('tells a score below the threshold in force', () => {
    expect(isBelowThreshold('12', 13)).toBe(true);
    expect(isBelowThreshold('13', 13)).toBe(false);
    expect(isBelowThreshold('', 13)).toBe(false);
    expect(isBelowThreshold('5', undefined)).toBe(false);
  });

  it('leaves out blank optional fields and the motive of other categories', () => {
    expect(optional('  ')).toBeUndefined();
    expect(
      inclusionInput({
        category: 'soins_palliatifs',
        otherReason: 'x',
        gridVersion: 'v1',
        score: '3',
      }),
    ).toEqual({
      category: 'soins_palliatifs',
      otherReason: undefined,
      gridVersion: 'v1',
      score: 3,
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

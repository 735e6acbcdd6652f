import type { GridDefinition } from '../../../../../shared/src/grid/definition.js';
import type { ApiErrorCode } from '../../../lib/api.js';
import {
  consentInput,
  emptyInclusionValues,
  emptyPatientValues,
  inclusionInput,
  patientInput,
  type ConsentValues,
  type InclusionValues,
  type PatientField,
  type PatientValues,
} from '../form-values.js';

/** The fields of the form, in its order, named by their path in `createTeamSchema`. */
export const CREATE_FIELDS = [
  'patient.identity.birthName',
  'patient.identity.firstNames',
  'patient.identity.usedName',
  'patient.identity.sex',
  'patient.identity.birthDate',
  'patient.identity.birthPlaceCode',
  'patient.ins',
  'patient.contact.phone',
  'patient.contact.address',
  'inclusion.category',
  'inclusion.answers',
  'consent.date',
  'consent.method',
  'medecinTraitant',
  'medecinTraitant.rpps',
  'medecinTraitant.email',
] as const;
export type CreateField = (typeof CREATE_FIELDS)[number];

export const createFieldId = (field: CreateField) => `create-${field.replaceAll('.', '-')}`;

/** The id of a patient field in this form (the shared patient fields name them without `patient.`). */
export const createPatientFieldId = (field: PatientField) => createFieldId(`patient.${field}`);

export type MedecinTraitantMode = 'self' | 'rpps' | 'email';

export interface CreateTeamValues {
  patient: PatientValues;
  inclusion: InclusionValues;
  consent: ConsentValues;
  medecinTraitant: { mode: MedecinTraitantMode | ''; rpps: string; email: string };
}

export function emptyCreateTeamValues(
  mode: MedecinTraitantMode | '',
  today: string,
): CreateTeamValues {
  return {
    patient: emptyPatientValues(),
    inclusion: emptyInclusionValues(),
    consent: { date: today, method: '' },
    medecinTraitant: { mode, rpps: '', email: '' },
  };
}

/**
 * The request body as typed, for `createTeamSchema` to check: empty optional fields are left
 * out, empty required ones become undefined (the schema's "est obligatoire" message).
 */
export function createTeamInput(values: CreateTeamValues, grid: GridDefinition | null): unknown {
  const mt = values.medecinTraitant;
  return {
    patient: patientInput(values.patient),
    inclusion: inclusionInput(values.inclusion, grid),
    consent: consentInput(values.consent),
    medecinTraitant:
      mt.mode === 'self'
        ? { self: true }
        : mt.mode === 'rpps'
          ? { rpps: mt.rpps }
          : mt.mode === 'email'
            ? { email: mt.email }
            : undefined,
  };
}

/** The field an error code is about when the server names none. */
export function createFieldOfCode(
  code: ApiErrorCode,
  mode: MedecinTraitantMode | '',
): CreateField | undefined {
  if (code === 'score_below_threshold' || code === 'grid_incomplete') return 'inclusion.answers';
  if (code === 'professional_not_found') return 'medecinTraitant.rpps';
  if (code === 'not_a_physician')
    return mode === 'rpps' ? 'medecinTraitant.rpps' : 'medecinTraitant';
  return undefined;
}

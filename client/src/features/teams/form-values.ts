/** Form values (strings, as typed) and their conversion to request bodies, for the team forms. */

import type { GridDefinition } from '../../../../shared/src/grid/definition.js';
import { answersInScope, scoreGrid } from '../../../../shared/src/grid/score.js';
import type { PatientView } from '../../../../shared/src/views.js';

/** The patient's fields, in the order of the forms, named by their path in `patientUpdateSchema`. */
export const PATIENT_FIELDS = [
  'identity.birthName',
  'identity.firstNames',
  'identity.usedName',
  'identity.sex',
  'identity.birthDate',
  'identity.birthPlaceCode',
  'ins',
  'contact.phone',
  'contact.address',
] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];

export interface PatientValues {
  identity: {
    birthName: string;
    firstNames: string;
    usedName: string;
    sex: string;
    birthDate: string;
    birthPlaceCode: string;
  };
  ins: string;
  contact: { phone: string; address: string };
}

export interface InclusionValues {
  category: string;
  pregnant: boolean;
  /** The level ticked for each factor, by factor id. */
  answers: Record<string, string>;
}

export function emptyInclusionValues(): InclusionValues {
  return { category: '', pregnant: false, answers: {} };
}

export interface ConsentValues {
  date: string;
  method: string;
}

/** Empty or blank: left out of the request. */
export function optional(value: string): string | undefined {
  return value.trim() === '' ? undefined : value;
}

/** Empty: undefined, so that the schema answers its "est obligatoire" message. */
export function required(value: string): string | undefined {
  return value === '' ? undefined : value;
}

export function emptyPatientValues(): PatientValues {
  return {
    identity: {
      birthName: '',
      firstNames: '',
      usedName: '',
      sex: '',
      birthDate: '',
      birthPlaceCode: '',
    },
    ins: '',
    contact: { phone: '', address: '' },
  };
}

/** The patient file as it stands, to edit it. */
export function patientValuesOf(patient: PatientView): PatientValues {
  const { identity, contact } = patient;
  return {
    identity: {
      birthName: identity.birthName,
      firstNames: identity.firstNames,
      usedName: identity.usedName ?? '',
      sex: identity.sex,
      birthDate: identity.birthDate,
      birthPlaceCode: identity.birthPlaceCode,
    },
    ins: patient.ins ?? '',
    contact: { phone: contact?.phone ?? '', address: contact?.address ?? '' },
  };
}

/** The patient of a new team: empty optional fields are left out, and so is an empty contact. */
export function patientInput(values: PatientValues): unknown {
  const phone = optional(values.contact.phone);
  const address = optional(values.contact.address);
  return {
    identity: identityInput(values.identity),
    ins: optional(values.ins),
    contact: phone === undefined && address === undefined ? undefined : { phone, address },
  };
}

/**
 * The body of `PATCH /api/teams/:id/patient`: the whole file as edited. The server replaces the
 * identity and the contact as sent (a field left empty is removed) and an empty INS is `null`.
 */
export function patientUpdateInput(values: PatientValues): unknown {
  return {
    identity: identityInput(values.identity),
    ins: optional(values.ins) ?? null,
    contact: { phone: optional(values.contact.phone), address: optional(values.contact.address) },
  };
}

function identityInput(identity: PatientValues['identity']): unknown {
  return {
    birthName: required(identity.birthName),
    firstNames: required(identity.firstNames),
    usedName: optional(identity.usedName),
    sex: required(identity.sex),
    birthDate: required(identity.birthDate),
    birthPlaceCode: required(identity.birthPlaceCode),
  };
}

/**
 * The inclusion as the grid scored it: the version of the grid the form showed, and only the
 * answers that count (a pregnancy level ticked before unticking "enceinte" is dropped).
 */
export function inclusionInput(values: InclusionValues, grid: GridDefinition | null): unknown {
  return {
    category: required(values.category),
    gridVersion: grid?.version,
    pregnant: values.pregnant,
    answers: grid ? answersInScope(grid, values.answers, values.pregnant) : {},
  };
}

export function consentInput(values: ConsentValues): unknown {
  return { date: required(values.date), method: required(values.method) };
}

/**
 * What the live score says before sending (the server scores again): every factor must be
 * ticked, then the threshold of the scale reached.
 */
export function gridProblem(
  values: InclusionValues,
  grid: GridDefinition | null,
): 'grid_incomplete' | 'score_below_threshold' | null {
  if (!grid) return null;
  const score = scoreGrid(
    grid,
    answersInScope(grid, values.answers, values.pregnant),
    values.pregnant,
  );
  if (score.missing.length > 0) return 'grid_incomplete';
  return score.score < score.threshold ? 'score_below_threshold' : null;
}

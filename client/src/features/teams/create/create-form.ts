import type { ApiErrorCode } from '../../../lib/api.js';
import {
  consentInput,
  inclusionInput,
  optional,
  required,
  type ConsentValues,
  type InclusionValues,
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
  'inclusion.otherReason',
  'inclusion.gridVersion',
  'inclusion.score',
  'consent.date',
  'consent.method',
  'medecinTraitant',
  'medecinTraitant.rpps',
  'medecinTraitant.email',
] as const;
export type CreateField = (typeof CREATE_FIELDS)[number];

export const createFieldId = (field: CreateField) => `create-${field.replaceAll('.', '-')}`;

export type MedecinTraitantMode = 'self' | 'rpps' | 'email';

export interface CreateTeamValues {
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
  inclusion: InclusionValues;
  consent: ConsentValues;
  medecinTraitant: { mode: MedecinTraitantMode | ''; rpps: string; email: string };
}

export function emptyCreateTeamValues(
  mode: MedecinTraitantMode | '',
  today: string,
): CreateTeamValues {
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
    inclusion: { category: '', otherReason: '', gridVersion: '', score: '' },
    consent: { date: today, method: '' },
    medecinTraitant: { mode, rpps: '', email: '' },
  };
}

/**
 * The request body as typed, for `createTeamSchema` to check: empty optional fields are left
 * out, empty required ones become undefined (the schema's "est obligatoire" message).
 */
export function createTeamInput(values: CreateTeamValues): unknown {
  const { identity, contact, medecinTraitant: mt } = values;
  const phone = optional(contact.phone);
  const address = optional(contact.address);
  return {
    patient: {
      identity: {
        birthName: required(identity.birthName),
        firstNames: required(identity.firstNames),
        usedName: optional(identity.usedName),
        sex: required(identity.sex),
        birthDate: required(identity.birthDate),
        birthPlaceCode: required(identity.birthPlaceCode),
      },
      ins: optional(values.ins),
      contact: phone === undefined && address === undefined ? undefined : { phone, address },
    },
    inclusion: inclusionInput(values.inclusion),
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
  if (code === 'score_below_threshold') return 'inclusion.score';
  if (code === 'professional_not_found') return 'medecinTraitant.rpps';
  if (code === 'not_a_physician')
    return mode === 'rpps' ? 'medecinTraitant.rpps' : 'medecinTraitant';
  return undefined;
}

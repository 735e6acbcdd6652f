import {
  openPatientSessionSchema,
  type GrantChannel,
  type PatientGrantView,
} from '../../../../shared/src/patient-access.js';
import { formatMobile } from '../../../../shared/src/phone.js';
import {
  CODE_DIGITS,
  CODE_TTL_MS,
  MAX_CODE_ATTEMPTS,
  PATIENT_SESSION_TTL_MS,
  normaliseCode,
} from '../../../../shared/src/rules/patient-access.js';
import { ApiError, errorText } from '../../lib/api.js';
import { fromApiError, fromZodError, noErrors, type FormErrors } from '../../lib/forms.js';

/*
 * The words and decisions of the patient's own view, on both sides (docs/patient-access.md):
 * how a grant is named on the team page, what the patient's code form sends, and what the
 * patient's page shows after a refusal. Pure, so unit-tested (patient-access.test.ts).
 */

// Team side

/** The values of the grant form, as typed. */
export interface GrantValues {
  who: 'patient' | 'carer';
  name: string;
  relationship: string;
  channel: GrantChannel;
  address: string;
  consent: boolean;
}

export const GRANT_FIELDS = [
  'who',
  'name',
  'relationship',
  'channel',
  'address',
  'consent',
] as const;
export type GrantField = (typeof GRANT_FIELDS)[number];

export const emptyGrant = (): GrantValues => ({
  who: 'patient',
  name: '',
  relationship: '',
  channel: 'email',
  address: '',
  consent: false,
});

/**
 * The body of `POST …/patient-access`: the channel chosen (the schema normalises a mobile
 * number to E.164), no relationship for the patient themself, and the consent as ticked (the
 * schema refuses anything but true, with its message).
 */
export function grantInput(values: GrantValues) {
  return {
    who: values.who,
    name: values.name,
    relationship: values.who === 'carer' && values.relationship.trim() ? values.relationship : null,
    channel: values.channel,
    address: values.address,
    consent: values.consent,
  };
}

/** "Le patient", "Aidant·e (fille)": who holds the access, beside their name. */
export function grantRole(grant: Pick<PatientGrantView, 'who' | 'relationship'>): string {
  if (grant.who === 'patient') return 'Le patient';
  return grant.relationship ? `Aidant·e (${grant.relationship})` : 'Aidant·e';
}

/** Where the codes go, as people write it: `06 12 34 56 78` for a mobile number. */
export function grantAddress(grant: Pick<PatientGrantView, 'channel' | 'address'>): string {
  return grant.channel === 'sms' ? formatMobile(grant.address) : grant.address;
}

/** The confirmation of a sent code: where it went and how long it lives, never the code. */
export function codeSentNotice(grant: Pick<PatientGrantView, 'channel' | 'address'>): string {
  const where =
    grant.channel === 'sms' ? `par SMS au ${grantAddress(grant)}` : `à ${grant.address}`;
  return `Un code d’accès a été envoyé ${where}. Il est valable ${minutes(CODE_TTL_MS)} et ne sert qu’une fois.`;
}

// Patient side

export const SIGN_IN_FIELDS = ['address', 'code'] as const;
export type SignInField = (typeof SIGN_IN_FIELDS)[number];

export const CODE_HINT = `Les ${CODE_DIGITS} chiffres reçus par e-mail ou par SMS, valables ${minutes(CODE_TTL_MS)}.`;
const CODE_FORMAT = `Le code compte ${CODE_DIGITS} chiffres.`;

/**
 * Every refusal of a code answers one `patient_code_invalid` (a wrong, used or expired code,
 * too many tries, a revoked access): the page says all the cases and what to do next.
 */
export const CODE_REFUSED = `Code invalide ou expiré. Un code ne sert qu’une fois, pendant ${minutes(CODE_TTL_MS)}, et ${MAX_CODE_ATTEMPTS} essais erronés l’annulent : vérifiez l’adresse (ou le numéro) et le code, ou demandez un nouveau code à l’équipe qui vous suit.`;

/** The patient's session ended: revoked by the team, or its lifetime ran out. */
export const SESSION_ENDED = `Votre accès a pris fin : l’équipe l’a révoqué, ou vos ${minutes(PATIENT_SESSION_TTL_MS)} de consultation sont écoulées. Pour consulter de nouveau, demandez un nouveau code à l’équipe qui vous suit.`;

export const SIGNED_OUT =
  'Vous êtes déconnecté·e. Pour revenir, demandez un nouveau code à l’équipe.';

/** The body of `POST /api/patient/session`, or the fields to correct (nothing is sent then). */
export function signInInput(values: {
  address: string;
  code: string;
}): { ok: true; address: string; code: string } | { ok: false; errors: FormErrors<SignInField> } {
  const parsed = openPatientSessionSchema.safeParse({ address: values.address, code: values.code });
  const errors = parsed.success
    ? noErrors<SignInField>()
    : fromZodError(parsed.error, SIGN_IN_FIELDS);
  const code = normaliseCode(values.code);
  if (code === null) errors.fields.code ??= CODE_FORMAT;
  if (!parsed.success || code === null) return { ok: false, errors };
  return { ok: true, address: parsed.data.address, code };
}

/** A refused code goes to the code field, with the message that covers every reason. */
export function signInErrors(error: unknown): FormErrors<SignInField> {
  if (error instanceof ApiError && error.code === 'patient_code_invalid')
    return { fields: { code: CODE_REFUSED }, form: null };
  return fromApiError(error, SIGN_IN_FIELDS);
}

/** What the page shows when the view could not be read. */
export type ViewFailure =
  /** No patient session in this browser: the code form, nothing to explain. */
  | { kind: 'signed_out' }
  /** A session that was revoked or ran out: the code form, with why. */
  | { kind: 'ended'; message: string }
  /** The server could not answer (network, error): a retry. */
  | { kind: 'error'; message: string };

export function viewFailure(error: unknown): ViewFailure {
  if (error instanceof ApiError) {
    if (error.code === 'unauthenticated') return { kind: 'signed_out' };
    if (error.code === 'patient_session_ended') return { kind: 'ended', message: SESSION_ENDED };
  }
  return { kind: 'error', message: errorText(error) };
}

function minutes(ms: number): string {
  return `${ms / 60_000} minutes`;
}

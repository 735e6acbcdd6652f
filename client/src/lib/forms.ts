import { tick } from 'svelte';
import type { z } from 'zod';
import { firstIssue } from '../../../shared/src/validation.js';
import { ApiError, UNEXPECTED_ERROR_MESSAGE, type ApiErrorCode } from './api.js';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export interface FormErrors<F extends string> {
  fields: FieldErrors<F>;
  /** An error about the whole form (wrong credentials, throttling, server unreachable). */
  form: string | null;
}

export function noErrors<F extends string>(): FormErrors<F> {
  return { fields: {}, form: null };
}

/**
 * Every invalid field of a failed parse with the first message about it, using the same
 * issue paths as the server (`firstIssue`), so both sides name fields alike.
 */
export function fromZodError<F extends string>(
  error: z.ZodError,
  fields: readonly F[],
): FormErrors<F> {
  const result = noErrors<F>();
  for (const issue of error.issues) {
    const field = fields.find((f) => f === issue.path.map(String).join('.'));
    if (field === undefined) continue;
    result.fields[field] ??= issue.message;
  }
  if (Object.keys(result.fields).length === 0) result.form = firstIssue(error).message;
  return result;
}

/**
 * Server errors naming one of the form's fields attach to it; any other goes to the summary.
 * `fieldOfCode` names the control an error code is about, when the form knows better than the
 * server's field (which may be missing, or name a group such as `invitee`).
 */
export function fromApiError<F extends string>(
  error: unknown,
  fields: readonly F[],
  fieldOfCode?: (code: ApiErrorCode) => F | undefined,
): FormErrors<F> {
  const result = noErrors<F>();
  if (!(error instanceof ApiError)) {
    result.form = UNEXPECTED_ERROR_MESSAGE;
    return result;
  }
  const field = fieldOfCode?.(error.code) ?? fields.find((f) => f === error.field);
  if (field !== undefined) result.fields[field] = error.message;
  else result.form = error.message;
  return result;
}

/** Moves focus to the first invalid field, in the order of the form. */
export async function focusFirstInvalid<F extends string>(
  errors: FormErrors<F>,
  fields: readonly F[],
  idOf: (field: F) => string,
): Promise<void> {
  const first = fields.find((f) => errors.fields[f] !== undefined);
  if (first === undefined) return;
  await tick();
  document.getElementById(idOf(first))?.focus();
}

/** The error-summary items of a form, in the order of its fields. */
export function summaryItems<F extends string>(
  errors: FormErrors<F>,
  fields: readonly F[],
  idOf: (field: F) => string,
): { id: string; message: string }[] {
  return fields.flatMap((field) => {
    const message = errors.fields[field];
    return message ? [{ id: idOf(field), message }] : [];
  });
}

/** The names of the fields of `F` under `group.`, without it. */
export type FieldsWithin<F extends string, G extends string> = F extends `${G}.${infer Field}`
  ? Field
  : never;

/**
 * The errors of a group of fields, named within the group (`patient.ins` is `ins` within
 * `patient`), for the field components shared by several forms.
 */
export function errorsWithin<F extends string, G extends string>(
  errors: FieldErrors<F>,
  group: G,
): FieldErrors<FieldsWithin<F, G>> {
  const prefix = `${group}.`;
  const result: Record<string, string> = {};
  for (const [field, message] of Object.entries<string | undefined>(errors)) {
    if (field.startsWith(prefix) && message !== undefined) {
      result[field.slice(prefix.length)] = message;
    }
  }
  return result;
}

import type { z } from 'zod';
import { findLoneSurrogate, INVALID_TEXT_MESSAGE } from '../../../shared/src/text.js';
import { firstIssue } from '../../../shared/src/validation.js';
import { validationError } from './errors.js';

/**
 * Parses a boundary payload with its shared schema, or throws a 400 naming the first issue.
 * Before the schema, every string of the payload must be well-formed Unicode: a lone surrogate
 * is refused wherever it is, whatever the schema says of that field (docs/identity.md).
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const bad = findLoneSurrogate(input);
  if (bad) throw validationError(bad.join('.'), INVALID_TEXT_MESSAGE);
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw validationError(field, message);
}

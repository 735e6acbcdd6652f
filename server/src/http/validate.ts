import type { z } from 'zod';
import { firstIssue } from '../../../shared/src/validation.js';
import { validationError } from './errors.js';

/** Parses a boundary payload with its shared schema, or throws a 400 naming the first issue. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw validationError(field, message);
}

import type { z } from 'zod';

export interface FirstIssue {
  /** Dotted path of the field, empty for the whole payload. */
  field: string;
  message: string;
}

/** The first issue of a failed parse, as `path: message` parts, the way every boundary reports a refused payload. */
export function firstIssue(error: z.ZodError): FirstIssue {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'Données invalides.' };
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return { field, message: `Champ(s) inconnu(s) : ${issue.keys.join(', ')}.` };
  }
  return { field, message: issue.message };
}

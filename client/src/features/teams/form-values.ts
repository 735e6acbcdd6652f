/** Form values (strings, as typed) and their conversion to request bodies, for the team forms. */

export interface InclusionValues {
  category: string;
  otherReason: string;
  gridVersion: string;
  /** As typed: converted to a number for the schema. */
  score: string;
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

/** "12" is 12; "" is missing; anything else is NaN, which the schema refuses as not a number. */
export function scoreInput(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(?:[.,]\d+)?$/.test(trimmed) ? Number(trimmed.replace(',', '.')) : Number.NaN;
}

export function inclusionInput(values: InclusionValues): unknown {
  return {
    category: required(values.category),
    // Only the "autre" category has a motive; a motive typed before changing category is dropped.
    otherReason: values.category === 'autre' ? optional(values.otherReason) : undefined,
    gridVersion: required(values.gridVersion),
    score: scoreInput(values.score),
  };
}

export function consentInput(values: ConsentValues): unknown {
  return { date: required(values.date), method: required(values.method) };
}

/** The score as typed is below the threshold in force (the server checks it again: 422). */
export function isBelowThreshold(score: string, threshold: number | undefined): boolean {
  const value = scoreInput(score);
  return threshold !== undefined && value !== undefined && value < threshold;
}

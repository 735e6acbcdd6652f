import { z } from 'zod';

/**
 * Text hygiene at the boundary (docs/identity.md, "Text"). Every string the API accepts is
 * well-formed Unicode; names and identity fields are also NFC-normalised and may hold none of
 * the invisible characters that let one name pass for another.
 */

/** A UTF-16 surrogate that is not half of a pair: no character at all, and not valid UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refused in names and identity fields:
 * - Cc: C0 and C1 controls (NUL, tab, line breaks, ESC…);
 * - Cf: format characters: bidirectional overrides, embeddings, isolates and marks
 *   (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), zero-width space, joiners and
 *   word joiner (U+200B–U+200D, U+2060), the BOM (U+FEFF), the soft hyphen;
 * - Zl, Zp: line and paragraph separators;
 * - Co: private use (shown as anything a font decides);
 * - invisible "letters" that are not Cf: U+034F combining grapheme joiner, the Hangul fillers
 *   U+115F, U+1160, U+3164, U+FFA0, and U+180E (Cf only in older Unicode versions).
 * Unassigned code points are not tested: which are unassigned depends on the engine's Unicode
 * version, and the browser and the server must agree.
 */
const NAME_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\u034F\u115F\u1160\u180E\u3164\uFFA0]/u;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

export function hasForbiddenNameCharacter(text: string): boolean {
  return NAME_FORBIDDEN.test(text);
}

/** NFC, runs of white space as one space, trimmed: two spellings of one name compare equal. */
export function normalizeName(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

export const INVALID_TEXT_MESSAGE = 'Le texte contient des caractères invalides.';

/** Any text field: well-formed Unicode (lone surrogates refused everywhere). */
export function wellFormedText(message = INVALID_TEXT_MESSAGE, missing = message) {
  return z
    .string({ error: missing })
    .refine((s) => !hasLoneSurrogate(s), { error: message, abort: true });
}

/**
 * A name or identity field: well-formed, no control, bidirectional, zero-width or other
 * invisible character, NFC-normalised, white space collapsed, required and bounded.
 */
export function nameField(
  label: string,
  max: number,
  {
    required = true,
    tooLong = `${label} est trop long.`,
    // A plural label agrees: "Les prénoms sont obligatoires."
    missing = `${label} est obligatoire.`,
    invalid = `${label} contient des caractères non autorisés.`,
  } = {},
) {
  const schema = z
    .string({ error: missing })
    .refine((s) => !hasLoneSurrogate(s) && !hasForbiddenNameCharacter(s), {
      error: invalid,
      abort: true,
    })
    .overwrite(normalizeName);
  return required
    ? schema.min(1, { error: missing }).max(max, { error: tooLong })
    : schema.max(max, { error: tooLong });
}

/** The first string (depth-first) of a JSON value that holds a lone surrogate, as its path. */
export function findLoneSurrogate(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findLoneSurrogate(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (hasLoneSurrogate(key)) return [...path, key];
      const found = findLoneSurrogate(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Folds a name for comparison and search: NFD without the combining marks, lower case,
 * anything but letters and digits as a space. "Lefèvre", "LEFEVRE" and "le fèvre" give
 * "lefevre" / "le fevre"; `nameWords` splits on the spaces.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function nameWords(text: string): string[] {
  const folded = foldName(text);
  return folded === '' ? [] : folded.split(' ');
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signUpSchema } from './schemas/auth.js';
import { identitySchema } from './schemas/patient.js';
import {
  findLoneSurrogate,
  foldName,
  hasForbiddenNameCharacter,
  hasLoneSurrogate,
  nameField,
  normalizeName,
} from './text.js';

const firstName = nameField('Le prénom', 100);

/** The characters the issue named, and their kin. */
const INVISIBLE = [
  '\u0000', // NUL
  '\u0007',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u200B', // zero-width space
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E', // right-to-left override
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u061C',
  '\uFEFF',
  '\u00AD',
  '\u2028',
  '\u2029',
  '\u034F',
  '\u3164',
  '\uE000',
];
const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'];

const invisible = fc.constantFrom(...INVISIBLE);
const lone = fc.constantFrom(...LONE);
/** Any string, lone surrogates included (fast-check's "string" avoids them). */
const anyUnits = fc.string({ unit: 'binary' });
/** Names as people write them: letters (any script), marks, spaces, apostrophes, hyphens. */
const nameLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzÀÉÈÊËÏÎÔÖÙÛÜŸÇŒÆàéèêëïîôöùûüÿçœæ'.split('')),
      fc.constantFrom(' ', "'", '’', '-', '\u00A0'),
      fc.constantFrom('e\u0301', 'E\u0300', 'Ω', 'ж', 'ß', '李', 'ø'),
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((parts) => parts.join(''))
  .filter((s) => s.trim() !== '');

/** The oracle: a walk over UTF-16 code units, pairing high and low surrogates. */
function wellFormedByUnits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

/** Inserts `c` at a position of `s` chosen by `at` (0..1). */
const insert = (s: string, c: string, at: number) => {
  const units = [...s];
  const i = Math.floor(at * (units.length + 1));
  units.splice(i, 0, c);
  return units.join('');
};

describe('names and identity fields', () => {
  it('refuse every control, bidirectional, zero-width and invisible character, wherever it is', () => {
    fc.assert(
      fc.property(nameLike, invisible, fc.double({ min: 0, max: 1, noNaN: true }), (s, c, at) => {
        const result = firstName.safeParse(insert(s, c, at));
        expect(result.success).toBe(false);
        expect(result.error!.issues[0]!.message).toBe(
          'Le prénom contient des caractères non autorisés.',
        );
      }),
    );
  });

  it('refuse lone surrogates, wherever they are', () => {
    fc.assert(
      fc.property(nameLike, lone, fc.double({ min: 0, max: 1, noNaN: true }), (s, c, at) => {
        const withLone = s + c + s.slice(0, Math.floor(at * s.length));
        expect(hasLoneSurrogate(withLone)).toBe(true);
        expect(firstName.safeParse(withLone).success).toBe(false);
      }),
    );
  });

  it('accept ordinary names, stored NFC with white space collapsed', () => {
    fc.assert(
      fc.property(nameLike, (s) => {
        const result = firstName.safeParse(s);
        if (normalizeName(s).length > 100) return;
        expect(result.success).toBe(true);
        const stored = result.data!;
        expect(stored).toBe(stored.normalize('NFC'));
        expect(stored).toBe(stored.trim());
        expect(stored).not.toMatch(/\s{2}/);
        expect(hasForbiddenNameCharacter(stored)).toBe(false);
      }),
    );
  });

  it('is idempotent: a stored name parses to itself', () => {
    fc.assert(
      fc.property(nameLike, (s) => {
        const once = firstName.safeParse(s);
        if (!once.success) return;
        expect(firstName.parse(once.data)).toBe(once.data);
      }),
    );
  });

  it('makes the two spellings of "é" one name', () => {
    expect(firstName.parse('Ame\u0301lie')).toBe(firstName.parse('Amélie'));
    expect(firstName.parse('  Jean   Pierre ')).toBe('Jean Pierre');
  });

  it('refuses the spoofing examples of the issue in sign-up and patient identity', () => {
    const base = {
      rpps: '12345678901',
      profession: 'infirmier',
      firstName: 'Anne',
      lastName: 'Roux',
      email: 'anne@exemple.fr',
      password: 'un mot de passe solide',
    };
    for (const bad of ['Anne\u202Eelbat', 'An\u200Bne', 'Anne\u0000', 'Anne\uD800']) {
      expect(signUpSchema.safeParse({ ...base, firstName: bad }).success).toBe(false);
      expect(signUpSchema.safeParse({ ...base, lastName: bad }).success).toBe(false);
    }
    expect(signUpSchema.safeParse({ ...base, email: 'anne\u200B@exemple.fr' }).success).toBe(false);
    const identity = {
      birthName: 'EXEMPLE',
      firstNames: 'Marcel',
      sex: 'M',
      birthDate: '1941-04-12',
      birthPlaceCode: '69123',
    };
    expect(identitySchema.safeParse(identity).success).toBe(true);
    expect(identitySchema.safeParse({ ...identity, birthName: 'EXE\u202EMPLE' }).success).toBe(
      false,
    );
    expect(identitySchema.safeParse({ ...identity, usedName: 'a\u2066b' }).success).toBe(false);
  });
});

describe('lone surrogates anywhere in a payload', () => {
  it('are found at their path, and only they', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // fast-check's JSON values hold well-formed strings only.
        expect(findLoneSurrogate(value)).toBeNull();
      }),
    );
    fc.assert(
      fc.property(anyUnits, (s) => {
        expect(findLoneSurrogate({ a: [1, { b: s }] }) !== null).toBe(hasLoneSurrogate(s));
        expect(hasLoneSurrogate(s)).toBe(!wellFormedByUnits(s));
      }),
    );
    expect(findLoneSurrogate({ a: [1, { b: 'x\uDC00' }] })).toEqual(['a', '1', 'b']);
  });
});

describe('folded names (search and comparison)', () => {
  it('ignore case and accents', () => {
    expect(foldName('Lefèvre')).toBe('lefevre');
    expect(foldName('LEFEVRE')).toBe(foldName('lefèvre'));
    expect(foldName("D'Ornano-Œuvray")).toBe('d ornano oeuvray');
    fc.assert(
      fc.property(nameLike, (s) => {
        expect(foldName(s.toUpperCase())).toBe(foldName(s.toLowerCase()));
        expect(foldName(s.normalize('NFD'))).toBe(foldName(s.normalize('NFC')));
        expect(foldName(foldName(s))).toBe(foldName(s));
      }),
    );
  });
});

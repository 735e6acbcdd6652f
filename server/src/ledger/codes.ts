import { randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O, U, so a code read aloud or retyped is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

const group = (s: string) => s.match(/.{4}/g)!.join('-');

/** A statement verification code: 16 base32 characters = 80 random bits, `XXXX-XXXX-XXXX-XXXX`. */
export function newStatementCode(): string {
  return group(base32(randomBytes(10), 16));
}

/** An ESCAP reference: `E-` and 8 base32 characters (40 random bits, unique by index). */
export function newReference(): string {
  return `E-${group(base32(randomBytes(5), 8))}`;
}

/**
 * A code as typed by someone checking a statement: case, spaces and dashes do not matter, and
 * Crockford's look-alikes (O→0, I/L→1) are read as meant. Anything else is no code at all.
 */
export function normaliseStatementCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (raw.length !== 16 || [...raw].some((c) => !ALPHABET.includes(c))) return undefined;
  return group(raw);
}

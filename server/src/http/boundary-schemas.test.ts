import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * Every schema at the boundary (shared/src: what the server parses from HTTP bodies, queries
 * and socket payloads), found by walking the modules, so a schema added tomorrow is tried too.
 * Whatever arrives, parsing answers success or issues: it never throws, and never takes
 * unbounded time. Inputs: any JSON-like value, objects with prototype-pollution and operator
 * keys, deep nesting, long strings, binary.
 */
// The shared folder, from here (server/src/http).
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/src');
const files = readdirSync(here, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
const modules = await Promise.all(
  files.map(
    async (file) =>
      [
        file,
        (await import(pathToFileURL(path.join(here, file)).href)) as Record<string, unknown>,
      ] as const,
  ),
);

const schemas: [string, z.ZodType][] = modules.flatMap(([file, exports]) =>
  Object.entries(exports)
    .filter((entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType)
    .map(([name, schema]): [string, z.ZodType] => [`${file} ${name}`, schema]),
);

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$gt',
  '$set',
);
const hostile = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue(),
    fc.string({ maxLength: 5000 }),
    fc.uint8Array({ maxLength: 64 }),
    fc.dictionary(fc.oneof(hostileKey, fc.string()), tie('value'), { maxKeys: 5 }),
    fc.array(tie('value'), { maxLength: 5 }),
  ),
})).value;

describe('every boundary schema, with any input', () => {
  it('finds the schemas', () => {
    expect(schemas.length).toBeGreaterThan(30);
    for (const expected of ['chat.ts chatSendSchema', 'notes.ts noteUpdateSchema'])
      expect(schemas.map(([n]) => n)).toContain(expected);
  });

  it.each(schemas)('%s answers without throwing', (_name, schema) => {
    fc.assert(
      fc.property(hostile, (input) => {
        const result = schema.safeParse(input);
        expect(typeof result.success).toBe('boolean');
      }),
      { seed: 20261204, numRuns: 150 },
    );
  });
});

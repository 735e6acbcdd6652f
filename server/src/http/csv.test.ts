import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula, toCsv } from './csv.js';

const readBack = (csv: string): string[][] =>
  parse(csv.slice(1), { delimiter: ';', record_delimiter: '\r\n', relax_column_count: true });

/** Text cells that try every trick: separators, quotes, line ends, formula prefixes. */
const nasty = fc.oneof(
  fc.string(),
  fc
    .tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ';', ' '), fc.string())
    .map(([a, b]) => a + b),
);

describe('CSV exports', () => {
  it('neutralises the issue example', () => {
    const csv = toCsv([['prénom'], ['=HYPERLINK("http://evil")']]);
    expect(readBack(csv)[1]).toEqual([`'=HYPERLINK("http://evil")`]);
  });

  it('round-trips every cell, and no text cell reads as a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(nasty, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const back = readBack(toCsv(rows));
          expect(back).toEqual(rows.map((r) => r.map(neutralizeFormula)));
          for (const row of back) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });

  it('keeps numbers as numbers (a negative amount is not text)', () => {
    expect(
      toCsv([
        ['a', 'b'],
        [-5, 12.5],
      ]),
    ).toBe('\uFEFFa;b\r\n-5;12.5\r\n');
  });

  it('neutralises exactly the formula prefixes', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = neutralizeFormula(s);
        if (/^[=+\-@\t\r]/.test(s)) expect(out).toBe(`'${s}`);
        else expect(out).toBe(s);
      }),
    );
  });
});

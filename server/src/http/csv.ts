import { stringify } from 'csv-stringify/sync';

/**
 * Every CSV the app exports is written here (docs/identity.md, "CSV exports"): one kept
 * writer (csv-stringify) for quoting, and one rule against formula injection.
 */

export type CsvCell = string | number | null | undefined;

/**
 * A spreadsheet reads a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
 * formula (OWASP, "CSV injection"): `=HYPERLINK("http://…")` in a first name would become a
 * live link. Such a text cell is prefixed with an apostrophe, which spreadsheets show as text
 * and do not display. Numbers are written as numbers: a negative amount stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Rows as CSV for French spreadsheet software: UTF-8 with a BOM (Excel reads accents right),
 * `;` separators, CRLF line ends. The first row is the header.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  const body = stringify(
    rows.map((row) => row.map((cell) => cell ?? '')),
    {
      delimiter: ';',
      record_delimiter: '\r\n',
      // The writer quotes cells holding `;`, `"` or CRLF; a lone line feed or carriage return
      // must be quoted too, or it would end the row.
      quoted_match: /[\r\n]/,
      cast: { string: neutralizeFormula },
    },
  );
  return `\uFEFF${body}`;
}

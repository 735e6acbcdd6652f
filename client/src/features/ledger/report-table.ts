import type { LedgerReportRow } from '../../../../shared/src/ledger.js';
import { PROFESSION_LABELS } from '../../../../shared/src/professions.js';
import { LEDGER_FIRST_YEAR } from '../../../../shared/src/rules/ledger.js';

/** Columns of the platform report the gestionnaire can sort by. */
export const REPORT_COLUMNS = [
  { key: 'rpps', label: 'RPPS' },
  { key: 'lastName', label: 'Nom' },
  { key: 'firstName', label: 'Prénom' },
  { key: 'profession', label: 'Profession' },
  { key: 'considered', label: 'ESCAP considérées' },
  { key: 'counted', label: 'ESCAP comptées' },
  { key: 'contributions', label: 'Contributions' },
  { key: 'base', label: 'Utilisation' },
  { key: 'bonus', label: 'Complément' },
  { key: 'total', label: 'Total' },
] as const;

/** Years a gestionnaire may open, newest first: from the first ledger year to `current`. */
export function reportYears(current: number): number[] {
  const years: number[] = [];
  for (let year = current; year >= LEDGER_FIRST_YEAR; year--) years.push(year);
  return years;
}

export type ReportSortKey = (typeof REPORT_COLUMNS)[number]['key'];
export type SortDirection = 'ascending' | 'descending';
export interface ReportSort {
  key: ReportSortKey;
  direction: SortDirection;
}

// Accents and case do not separate names ("Élodie" sorts with "Elodie"), numbers in RPPS
// compare as numbers of equal length anyway.
const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

function valueOf(row: LedgerReportRow, key: ReportSortKey): string | number {
  switch (key) {
    case 'rpps':
    case 'lastName':
    case 'firstName':
      return row.professional[key];
    case 'profession':
      return PROFESSION_LABELS[row.professional.profession];
    case 'considered':
    case 'counted':
    case 'contributions':
      return row[key];
    case 'base':
    case 'bonus':
    case 'total':
      return row.amounts[key];
  }
}

/** A sorted copy; ties keep a stable order by name then RPPS, so the table never jumps. */
export function sortRows(rows: readonly LedgerReportRow[], sort: ReportSort): LedgerReportRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const byName = (a: LedgerReportRow, b: LedgerReportRow) =>
    collator.compare(a.professional.lastName, b.professional.lastName) ||
    collator.compare(a.professional.firstName, b.professional.firstName) ||
    collator.compare(a.professional.rpps, b.professional.rpps);
  return [...rows].sort((a, b) => {
    const x = valueOf(a, sort.key);
    const y = valueOf(b, sort.key);
    const primary =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : collator.compare(String(x), String(y));
    return sign * primary || byName(a, b);
  });
}

/** Clicking the sorted column flips it; another column starts ascending (names) or descending (figures). */
export function nextSort(current: ReportSort, key: ReportSortKey): ReportSort {
  if (current.key === key) {
    return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  const textual =
    key === 'rpps' || key === 'lastName' || key === 'firstName' || key === 'profession';
  return { key, direction: textual ? 'ascending' : 'descending' };
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Rows whose RPPS, name or profession contain every word typed (accents and case ignored). */
export function filterRows(rows: readonly LedgerReportRow[], query: string): LedgerReportRow[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const p = row.professional;
    const haystack = fold(
      `${p.rpps} ${p.lastName} ${p.firstName} ${PROFESSION_LABELS[p.profession]}`,
    );
    return words.every((word) => haystack.includes(word));
  });
}

import { describe, expect, it } from 'vitest';
import type { LedgerReportRow } from '../../../../shared/src/ledger.js';
import type { Profession } from '../../../../shared/src/professions.js';
import { LEDGER_FIRST_YEAR } from '../../../../shared/src/rules/ledger.js';
import { filterRows, nextSort, reportYears, sortRows } from './report-table.js';

function row(
  rpps: string,
  lastName: string,
  firstName: string,
  profession: Profession,
  counted: number,
  total: number,
): LedgerReportRow {
  return {
    professional: { id: rpps, rpps, firstName, lastName, profession },
    considered: counted + 1,
    counted,
    contributions: counted * 3,
    amounts: { base: Math.min(total, 100), bonus: Math.max(total - 100, 0), total },
  };
}

const rows = [
  row('10000000003', 'Martin', 'Jeanne', 'medecin', 5, 200),
  row('10000000001', 'Élie', 'Paul', 'pharmacien', 1, 100),
  row('10000000002', 'Durand', 'Camille', 'infirmier', 0, 0),
  row('10000000004', 'Martin', 'Anne', 'infirmier', 1, 100),
];
const names = (list: LedgerReportRow[]) => list.map((r) => r.professional.firstName);

describe('sortRows', () => {
  it('sorts names in French order, accents ignored, ties by first name', () => {
    expect(names(sortRows(rows, { key: 'lastName', direction: 'ascending' }))).toEqual([
      'Camille',
      'Paul',
      'Anne',
      'Jeanne',
    ]);
  });

  it('sorts figures as numbers, ties kept in name order', () => {
    expect(names(sortRows(rows, { key: 'total', direction: 'descending' }))).toEqual([
      'Jeanne',
      'Paul',
      'Anne',
      'Camille',
    ]);
    expect(names(sortRows(rows, { key: 'counted', direction: 'ascending' }))).toEqual([
      'Camille',
      'Paul',
      'Anne',
      'Jeanne',
    ]);
  });

  it('sorts professions by their French label and leaves the input alone', () => {
    const copy = [...rows];
    expect(names(sortRows(rows, { key: 'profession', direction: 'ascending' }))).toEqual([
      'Camille',
      'Anne',
      'Jeanne',
      'Paul',
    ]);
    expect(rows).toEqual(copy);
  });
});

describe('nextSort', () => {
  it('flips the sorted column and starts others in their natural direction', () => {
    expect(nextSort({ key: 'lastName', direction: 'ascending' }, 'lastName')).toEqual({
      key: 'lastName',
      direction: 'descending',
    });
    expect(nextSort({ key: 'lastName', direction: 'ascending' }, 'total')).toEqual({
      key: 'total',
      direction: 'descending',
    });
    expect(nextSort({ key: 'total', direction: 'descending' }, 'rpps')).toEqual({
      key: 'rpps',
      direction: 'ascending',
    });
  });
});

describe('filterRows', () => {
  it('matches every word in RPPS, names or profession, accents and case ignored', () => {
    expect(names(filterRows(rows, 'elie'))).toEqual(['Paul']);
    expect(names(filterRows(rows, 'martin INFIRM'))).toEqual(['Anne']);
    expect(names(filterRows(rows, '10000000002'))).toEqual(['Camille']);
    expect(names(filterRows(rows, '  '))).toHaveLength(4);
    expect(filterRows(rows, 'kiné')).toEqual([]);
  });
});

describe('reportYears', () => {
  it('lists the years since the experiment started, newest first', () => {
    expect(reportYears(LEDGER_FIRST_YEAR + 2)).toEqual([
      LEDGER_FIRST_YEAR + 2,
      LEDGER_FIRST_YEAR + 1,
      LEDGER_FIRST_YEAR,
    ]);
    expect(reportYears(LEDGER_FIRST_YEAR)).toEqual([LEDGER_FIRST_YEAR]);
  });
});

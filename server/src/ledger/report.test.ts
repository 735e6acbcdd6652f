import { describe, expect, it } from 'vitest';
import type { LedgerReportView } from '../../../shared/src/ledger.js';
import { DEFAULT_LEDGER_SETTINGS } from '../../../shared/src/rules/ledger-settings.js';
import { reportCsv } from './report.js';

const row = (lastName: string, firstName: string, total: number) => ({
  professional: {
    id: 'x',
    rpps: '10000000001',
    firstName,
    lastName,
    profession: 'infirmier' as const,
  },
  considered: 6,
  counted: 5,
  contributions: 12,
  amounts: { base: 100, bonus: total - 100, total },
});

describe('report CSV', () => {
  it('has a BOM, a header, `;` separators, CRLF line ends and quoted fields where needed', () => {
    const report: LedgerReportView = {
      year: 2025,
      settings: DEFAULT_LEDGER_SETTINGS,
      rows: [
        row('Lefèvre', 'Zoé', 200),
        row('Durand; fils', 'Jean "JJ"', 100),
        row('-1+1', '@x', 100),
      ],
      totals: { professionals: 3, paid: 3, amount: 400 },
    };
    const csv = reportCsv(report);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'RPPS;nom;prénom;profession;ESCAP considérées;ESCAP comptées;contributions;montant base;bonus;total',
      '10000000001;Lefèvre;Zoé;Infirmier·ère;6;5;12;100;100;200',
      '10000000001;"Durand; fils";"Jean ""JJ""";Infirmier·ère;6;5;12;100;0;100',
      "10000000001;'-1+1;'@x;Infirmier·ère;6;5;12;100;0;100",
      '',
    ]);
  });
});

/**
 * Parameters of the yearly payment rule (docs/domain.md: what is a setting). Defaults: calendar
 * year in Europe/Paris time, an ESCAP counts only with a contribution that year, 5 ESCAPs for
 * the bonus, 100 EUR for using the tool + 100 EUR bonus.
 */
export interface LedgerSettings {
  timeZone: string;
  requireContribution: boolean;
  threshold: number;
  baseAmount: number;
  bonusAmount: number;
}

export const DEFAULT_LEDGER_SETTINGS: LedgerSettings = {
  timeZone: 'Europe/Paris',
  requireContribution: true,
  threshold: 5,
  baseAmount: 100,
  bonusAmount: 100,
};

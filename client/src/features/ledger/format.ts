import type { LedgerPeriodView } from '../../../../shared/src/ledger.js';
import type { LedgerSettings } from '../../../../shared/src/rules/ledger-settings.js';
import { plural } from '../../lib/format.js';

import { formatEuros } from '../../../../shared/src/glossary.js';

/** "100 €", "1 250 €", "12,50 €": the glossary's, as in the PDF. */
export { formatEuros };

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * "05/03/2026": the day of an instant in the ledger's time zone, not the browser's, so a
 * professional abroad sees the same days as the statement and the payment rule.
 */
export function formatDay(iso: string, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      timeZone,
    });
    dayFormatters.set(timeZone, f);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : f.format(date);
}

/**
 * "du 01/03/2026 au 14/06/2026". Periods are half-open, [from, to) (shared/src/rules/ledger.ts):
 * the last day shown is the one of the instant just before `to`, so a period clipped at
 * midnight on 1 January ends on 31/12; one still open ends at the time of the answer (today).
 */
export function formatPeriod(period: LedgerPeriodView, timeZone: string): string {
  const from = formatDay(period.from, timeZone);
  const end = new Date(period.to).getTime();
  const to = Number.isNaN(end) ? period.to : formatDay(new Date(end - 1).toISOString(), timeZone);
  return from === to ? `le ${from}` : `du ${from} au ${to}`;
}

/** Every period on its own, or "aucune" when there is none. */
export function formatPeriods(periods: readonly LedgerPeriodView[], timeZone: string): string[] {
  return periods.length === 0 ? ['aucune'] : periods.map((p) => formatPeriod(p, timeZone));
}

/** "3 / 5 ESCAP" and the share of the threshold reached, capped at the threshold. */
export function progressOf(counted: number, threshold: number) {
  const max = Math.max(threshold, 1);
  const value = Math.min(counted, max);
  return { label: `${counted} / ${threshold} ESCAP`, value, max, remaining: max - value };
}

/** The rule in force, in words, as the professional must be able to read it. */
export function describeSettings(settings: LedgerSettings): string[] {
  return [
    `${formatEuros(settings.baseAmount)} par an pour l’utilisation de l’outil (au moins une ESCAP comptée).`,
    `${formatEuros(settings.bonusAmount)} de plus à partir de ${plural(settings.threshold, 'ESCAP comptée', 'ESCAP comptées')}.`,
    settings.requireContribution
      ? 'Une ESCAP compte pour un professionnel si elle a été active pendant sa participation et s’il y a contribué dans l’année (notes, messages ou tâches).'
      : 'Une ESCAP compte pour un professionnel si elle a été active pendant sa participation dans l’année.',
    `Année civile, dates au fuseau horaire ${settings.timeZone}.`,
  ];
}

/** A year from the address bar (`?annee=2026`), or undefined for the current year. */
export function parseYear(value: string | null): number | undefined {
  if (value === null || !/^\d{4}$/.test(value)) return undefined;
  return Number(value);
}

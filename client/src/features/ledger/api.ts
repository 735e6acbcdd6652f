import { z } from 'zod';
import type {
  LedgerReportView,
  LedgerYearView,
  StatementCheckView,
} from '../../../../shared/src/ledger.js';
import { request } from '../../lib/api.js';

/*
 * The answers are typed by `shared/src/ledger.ts`, which has no schemas: the client checks
 * their outline (an object with the expected keys) and trusts the server for the rest.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function answer<T>(...keys: string[]): z.ZodType<T> {
  return z.custom<T>((value) => isRecord(value) && keys.every((key) => key in value));
}

const yearQuery = (year: number | undefined) => (year === undefined ? '' : `?year=${year}`);

/** The signed-in professional's year; without `year`, the current year (Paris time). */
export function getLedger(year?: number): Promise<LedgerYearView> {
  return request('GET', `/api/ledger${yearQuery(year)}`, {
    schema: answer<LedgerYearView>('year', 'escaps', 'amounts', 'settings', 'years'),
  });
}

/** The yearly statement (PDF attachment), downloaded by a plain link with the session cookie. */
export function statementUrl(year: number): string {
  return `/api/ledger/statement.pdf?year=${year}`;
}

/** A statement's verification code, checked by anyone (no session). */
export function checkStatement(code: string): Promise<StatementCheckView> {
  return request('GET', `/api/statements/${encodeURIComponent(code)}`, {
    schema: answer<StatementCheckView>('code', 'year', 'professional', 'amounts', 'digest'),
  });
}

/** Every professional's year (gestionnaire only). */
export function getReport(year?: number): Promise<LedgerReportView> {
  return request('GET', `/api/ledger/report${yearQuery(year)}`, {
    schema: answer<LedgerReportView>('year', 'rows', 'totals', 'settings'),
  });
}

export function reportCsvUrl(year: number): string {
  return `/api/ledger/report.csv?year=${year}`;
}

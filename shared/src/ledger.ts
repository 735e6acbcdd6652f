import { LEDGER_REASON_WORDS } from './glossary.js';
import type { ContributionKind } from './contributions.js';
import type { Profession } from './professions.js';
import type { LedgerSettings } from './rules/ledger-settings.js';

/**
 * What the participation ledger answers (HTTP contract shared by server and client).
 * Dates are ISO instants. No health data: an ESCAP is named by a pseudonymous reference.
 */

/** Why an ESCAP counts or not for a professional in a year. */
export const LEDGER_REASONS = [
  /** Active in the year while the professional was a member, and contributed (if required). */
  'counted',
  /** Never ACTIVE in the year while the professional was a member. */
  'not_active_while_member',
  /** Active while a member, but no contribution from them that year (setting on). */
  'no_contribution',
] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/** Said to the professional; a third party reads `LEDGER_REASON_WORDS.third` (glossary.ts). */
export const LEDGER_REASON_LABELS: Record<LedgerReason, string> = LEDGER_REASON_WORDS.self;

export interface LedgerPeriodView {
  from: string;
  to: string;
}

export type ContributionCounts = Record<ContributionKind, number> & { total: number };

export interface LedgerEscapView {
  teamId: string;
  /** Pseudonymous, stable reference of the ESCAP (never the patient's name). */
  reference: string;
  /** Membership periods of the professional, clipped to the year. */
  memberPeriods: LedgerPeriodView[];
  /** Periods when the ESCAP was ACTIVE while the professional was a member, within the year. */
  activePeriods: LedgerPeriodView[];
  contributions: ContributionCounts;
  counts: boolean;
  reason: LedgerReason;
}

export interface LedgerAmountsView {
  /** Using the tool: at least one ESCAP counted in the year. */
  base: number;
  /** At least `settings.threshold` ESCAPs counted. */
  bonus: number;
  total: number;
}

/** One professional's year (their dashboard, their statement). */
export interface LedgerYearView {
  year: number;
  professional: {
    id: string;
    rpps: string;
    firstName: string;
    lastName: string;
    profession: Profession;
  };
  settings: LedgerSettings;
  escaps: LedgerEscapView[];
  /** ESCAPs that count. */
  counted: number;
  amounts: LedgerAmountsView;
  /** Years with at least one membership, newest first (for "earlier years"). */
  years: number[];
  /** The year is still running (figures can still change). */
  inProgress: boolean;
}

/** A row of the platform report (gestionnaire): no health data, no team references. */
export interface LedgerReportRow {
  professional: {
    id: string;
    rpps: string;
    firstName: string;
    lastName: string;
    profession: Profession;
  };
  /** ESCAPs considered (member at some time in the year) and counted. */
  considered: number;
  counted: number;
  contributions: number;
  amounts: LedgerAmountsView;
}

export interface LedgerReportView {
  year: number;
  settings: LedgerSettings;
  rows: LedgerReportRow[];
  totals: { professionals: number; paid: number; amount: number };
}

/** What a third party sees when checking a statement's verification code. */
export interface StatementCheckView {
  code: string;
  year: number;
  issuedAt: string;
  /** Issued before the year ended: a provisional statement. */
  inProgress: boolean;
  professional: { rpps: string; firstName: string; lastName: string; profession: Profession };
  counted: number;
  amounts: LedgerAmountsView;
  /** The ESCAP lines as issued (references, periods, counts): compare with the document. */
  escaps: Pick<
    LedgerEscapView,
    'reference' | 'counts' | 'reason' | 'contributions' | 'activePeriods'
  >[];
  /** SHA-256 of the statement's content as issued. */
  digest: string;
  /** The Ed25519 signature of the content (base64url) and the id of the key that made it. */
  signature?: string;
  keyId?: string;
  /** The statement's time zone: its days and time are shown in it, not the reader's. */
  timeZone: string;
}

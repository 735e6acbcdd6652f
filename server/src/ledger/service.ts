import { createHash } from 'node:crypto';
import type { SignedStatement, StatementSigner } from './signing.js';
import { Types, type Model } from 'mongoose';
import type {
  LedgerPeriodView,
  LedgerReportView,
  LedgerYearView,
  StatementCheckView,
} from '../../../shared/src/ledger.js';
import {
  computeLedgerYear,
  LEDGER_FIRST_YEAR,
  type LedgerPeriod,
} from '../../../shared/src/rules/ledger.js';
import type { LedgerSettings } from '../../../shared/src/rules/ledger-settings.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import { yearBounds, yearOf } from '../../../shared/src/time.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { ContributionCounterDoc } from '../contributions/model.js';
import { isDuplicateKey } from '../db/errors.js';
import { AppError } from '../http/errors.js';
import type { TeamHistory } from '../teams/history.js';
import { newStatementCode, normaliseStatementCode } from './codes.js';
import type { LedgerModels } from './model.js';
import { referencesFor } from './references.js';
import { buildReport } from './report.js';

export interface LedgerServiceDeps {
  /** Membership periods and status events, through the teams feature. */
  history: TeamHistory;
  Counter: Model<ContributionCounterDoc>;
  Professional: Model<ProfessionalDoc>;
  ledger: LedgerModels;
  settings: LedgerSettings;
  /** Settles terms that ran out with nobody acting, so their active period ends on time. */
  settleEndedTerms?: (teamIds: Types.ObjectId[]) => Promise<unknown>;
  /** Signs each statement's content (docs/ledger.md, "Signature"). */
  signer: StatementSigner;
  now?: () => Date;
}

/** A statement as issued: the figures, and what proves them. */
export interface IssuedStatement {
  view: LedgerYearView;
  code: string;
  issuedAt: Date;
  digest: string;
  /** The content, the key's id and the Ed25519 signature, carried inside the PDF. */
  signed: SignedStatement;
}

const periodViews = (periods: LedgerPeriod[]): LedgerPeriodView[] =>
  periods.map((p) => ({ from: p.from.toISOString(), to: p.to.toISOString() }));

/**
 * The participation ledger of the signed-in professional (every method takes the acting
 * professional and reads only their own rows), yearly statements and their public
 * check. Reads counters, memberships and status events only: never raw contributions.
 */
export class LedgerService {
  private readonly now: () => Date;
  constructor(private readonly deps: LedgerServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get settings(): LedgerSettings {
    return this.deps.settings;
  }

  /** The current calendar year in the ledger's time zone. */
  currentYear(): number {
    return yearOf(this.now(), this.deps.settings.timeZone);
  }

  /**
   * A `year` query parameter: absent means the current year; otherwise a whole number from
   * the start of the experiment to the current year (a future year has no figures yet).
   */
  parseYear(raw: unknown): number {
    const current = this.currentYear();
    if (raw === undefined || raw === '') return current;
    const year = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : NaN;
    if (!(year >= LEDGER_FIRST_YEAR && year <= current))
      throw new AppError('invalid_year', { field: 'year' });
    return year;
  }

  async yearView(actor: Professional, year: number): Promise<LedgerYearView> {
    const { history, Counter, ledger, settings } = this.deps;
    const now = this.now();
    const professionalId = new Types.ObjectId(actor.id);
    const { start, end } = yearBounds(year, settings.timeZone);
    const memberships = await history.membershipsOf(professionalId);
    const inYear = memberships.filter(
      (m) => m.joinedAt < end && (m.leftAt == null || m.leftAt > start),
    );
    const teamIds = [...new Map(inYear.map((m) => [String(m.teamId), m.teamId])).values()];
    if (teamIds.length > 0 && end > now) await this.deps.settleEndedTerms?.(teamIds);
    const [events, counters, refs] = await Promise.all([
      history.statusEventsOf(teamIds, end),
      Counter.find({ professionalId, year }).lean(),
      referencesFor(ledger.LedgerReference, teamIds),
    ]);
    const result = computeLedgerYear(
      {
        year,
        now,
        teams: teamIds.map((teamId) => {
          const id = String(teamId);
          return {
            teamId: id,
            reference: refs.get(id)!,
            memberships: inYear.filter((m) => String(m.teamId) === id),
            statusEvents: events.filter((e) => String(e.teamId) === id),
            contributions: counters.find((c) => String(c.teamId) === id),
          };
        }),
      },
      settings,
    );
    return {
      year,
      professional: {
        id: actor.id,
        rpps: actor.rpps,
        firstName: actor.firstName,
        lastName: actor.lastName,
        profession: actor.profession,
      },
      settings,
      escaps: result.escaps.map((e) => ({
        teamId: e.teamId,
        reference: e.reference,
        memberPeriods: periodViews(e.memberPeriods),
        activePeriods: periodViews(e.activePeriods),
        contributions: e.contributions,
        counts: e.counts,
        reason: e.reason,
      })),
      counted: result.counted,
      amounts: result.amounts,
      years: yearsOf(memberships, now, settings.timeZone),
      inProgress: result.inProgress,
    };
  }

  /**
   * Issues a statement: the year's figures with a fresh verification code. The document is
   * made first and the record (canonical content and its SHA-256) stored next, so a record
   * always has a document and a document is handed out only once its code can be checked.
   */
  async issueStatement<D>(
    actor: Professional,
    year: number,
    render: (statement: IssuedStatement) => Promise<D>,
  ): Promise<{ statement: IssuedStatement; document: D }> {
    const view = await this.yearView(actor, year);
    const issuedAt = this.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = newStatementCode();
      const content = canonicalContent(code, issuedAt, view);
      const digest = createHash('sha256').update(content).digest('hex');
      const signed = this.deps.signer.sign(content);
      const statement = { view, code, issuedAt, digest, signed };
      const document = await render(statement);
      try {
        await this.deps.ledger.Statement.create({
          code,
          professionalId: new Types.ObjectId(actor.id),
          year,
          issuedAt,
          content,
          digest,
          keyId: signed.keyId,
          signature: signed.signature,
        });
        return { statement, document };
      } catch (err) {
        // 80 random bits: a taken code is next to impossible, but never reuse one.
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error('could not draw a statement code');
  }

  /**
   * Every professional's year (gestionnaires; the route checks the role). A system-level read
   * across professionals, of counts and amounts only.
   */
  report(year: number): Promise<LedgerReportView> {
    return buildReport(this.deps, year, this.now());
  }

  /** What a third party sees of a statement, by its code (no session); unknown → 404. */
  async check(rawCode: string): Promise<StatementCheckView> {
    const code = normaliseStatementCode(rawCode);
    const doc = code ? await this.deps.ledger.Statement.findOne({ code }).lean() : null;
    if (!doc) throw new AppError('not_found');
    const content = JSON.parse(doc.content) as StatementContent;
    return {
      code: doc.code,
      year: content.year,
      issuedAt: content.issuedAt,
      inProgress: content.inProgress,
      professional: content.professional,
      counted: content.counted,
      amounts: content.amounts,
      escaps: content.escaps.map((e) => ({
        reference: e.reference,
        counts: e.counts,
        reason: e.reason,
        contributions: e.contributions,
        activePeriods: e.activePeriods,
      })),
      digest: doc.digest,
      // Statements issued before signing began have none.
      ...(doc.signature && doc.keyId ? { signature: doc.signature, keyId: doc.keyId } : {}),
      timeZone: content.settings.timeZone,
    };
  }
}

/** Years with at least one membership (from the first ledger year), newest first. */
function yearsOf(
  memberships: { joinedAt: Date; leftAt?: Date | null }[],
  now: Date,
  timeZone: string,
): number[] {
  const years = new Set<number>();
  const last = yearOf(now, timeZone);
  for (const m of memberships) {
    const to = Math.min(yearOf(m.leftAt ?? now, timeZone), last);
    for (let y = Math.max(yearOf(m.joinedAt, timeZone), LEDGER_FIRST_YEAR); y <= to; y++)
      years.add(y);
  }
  return [...years].sort((a, b) => b - a);
}

/** What a statement states, in a fixed key order (the digest is computed on its JSON). */
export interface StatementContent {
  code: string;
  year: number;
  issuedAt: string;
  inProgress: boolean;
  professional: StatementCheckView['professional'];
  settings: LedgerSettings;
  escaps: Omit<LedgerYearView['escaps'][number], 'teamId'>[];
  counted: number;
  amounts: LedgerYearView['amounts'];
}

/**
 * The canonical content of a statement: JSON with keys in the order written here. The team
 * ids stay out (the statement names ESCAPs by their pseudonymous reference only).
 */
export function canonicalContent(code: string, issuedAt: Date, view: LedgerYearView): string {
  const p = view.professional;
  const s = view.settings;
  const content: StatementContent = {
    code,
    year: view.year,
    issuedAt: issuedAt.toISOString(),
    inProgress: view.inProgress,
    professional: {
      rpps: p.rpps,
      firstName: p.firstName,
      lastName: p.lastName,
      profession: p.profession,
    },
    settings: {
      timeZone: s.timeZone,
      requireContribution: s.requireContribution,
      threshold: s.threshold,
      baseAmount: s.baseAmount,
      bonusAmount: s.bonusAmount,
    },
    escaps: view.escaps.map((e) => ({
      reference: e.reference,
      memberPeriods: e.memberPeriods.map((x) => ({ from: x.from, to: x.to })),
      activePeriods: e.activePeriods.map((x) => ({ from: x.from, to: x.to })),
      contributions: {
        note: e.contributions.note,
        message: e.contributions.message,
        task: e.contributions.task,
        document: e.contributions.document,
        total: e.contributions.total,
      },
      counts: e.counts,
      reason: e.reason,
    })),
    counted: view.counted,
    amounts: { base: view.amounts.base, bonus: view.amounts.bonus, total: view.amounts.total },
  };
  return JSON.stringify(content);
}

import type { Model, PipelineStage, Types } from 'mongoose';
import type { LedgerReportRow, LedgerReportView } from '../../../shared/src/ledger.js';
import { PROFESSION_LABELS } from '../../../shared/src/professions.js';
import { computeLedgerYear, type LedgerTeamInput } from '../../../shared/src/rules/ledger.js';
import type { LedgerSettings } from '../../../shared/src/rules/ledger-settings.js';
import { yearBounds } from '../../../shared/src/time.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { ContributionCounterDoc } from '../contributions/model.js';
import { toCsv } from '../http/csv.js';
import { historyPipelines, type TeamHistory } from '../teams/history.js';

export interface ReportDeps {
  history: TeamHistory;
  Counter: Model<ContributionCounterDoc>;
  Professional: Model<ProfessionalDoc>;
  settings: LedgerSettings;
}

interface CounterRow {
  professionalId: Types.ObjectId;
  teamId: Types.ObjectId;
  note: number;
  message: number;
  task: number;
  document: number;
  total: number;
}

/**
 * The aggregation pipelines of the yearly report: one per collection, each a $match on the
 * year (served by an index) and a $project of the few fields the rule needs.
 *
 * Why three pipelines joined in memory rather than one with $lookup and $group: a $lookup per
 * membership costs an index probe per (professional, team) pair (hundreds of thousands at the
 * target scale), while scanning each collection once and joining in hash maps is linear; and
 * the jongodb stand-in the tests run on has no $push accumulator and gets a compound $group
 * key wrong (it returned one group keyed by the literal expression; probed 2026-11), so grouping
 * stays in code, the same on every engine. The stages used are checked on the engine the tests
 * run on (test/integration/ledger-report.test.ts). Nothing here reads a raw contribution.
 */
export function reportPipelines(year: number, settings: LedgerSettings) {
  const { start, end } = yearBounds(year, settings.timeZone);
  const counters: PipelineStage[] = [
    { $match: { year } },
    {
      $project: {
        _id: 0,
        professionalId: 1,
        teamId: 1,
        note: 1,
        message: 1,
        task: 1,
        document: 1,
        total: 1,
      },
    },
  ];
  return { ...historyPipelines(start, end), counters };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/**
 * Every professional's year, for the yearly declarations: counts and amounts only, no team
 * reference and no health data. The rule runs per professional on the joined rows.
 */
export async function buildReport(
  deps: ReportDeps,
  year: number,
  now: Date,
): Promise<LedgerReportView> {
  const { settings } = deps;
  const p = reportPipelines(year, settings);
  const { start, end } = yearBounds(year, settings.timeZone);
  const [{ memberships, events }, counters] = await Promise.all([
    deps.history.periodsOverlapping(start, end),
    deps.Counter.aggregate<CounterRow>(p.counters),
  ]);
  const eventsByTeam = groupBy(events, (e) => e.teamId.toHexString());
  const countersByPair = new Map(
    counters.map((c) => [`${c.professionalId.toHexString()}|${c.teamId.toHexString()}`, c]),
  );
  const byProfessional = groupBy(memberships, (m) => m.professionalId.toHexString());
  const ids = [...byProfessional.values()].map((rows) => rows[0]!.professionalId);
  const professionals = await deps.Professional.aggregate<ProfessionalDoc>([
    { $match: { _id: { $in: ids } } },
    { $project: { rpps: 1, firstName: 1, lastName: 1, profession: 1 } },
    { $sort: { lastName: 1, firstName: 1, rpps: 1 } },
  ]);

  const rows: LedgerReportRow[] = [];
  for (const pro of professionals) {
    const proId = pro._id.toHexString();
    const byTeam = groupBy(byProfessional.get(proId) ?? [], (m) => m.teamId.toHexString());
    const teams: LedgerTeamInput[] = [];
    for (const [teamId, periods] of byTeam)
      teams.push({
        teamId,
        reference: '',
        memberships: periods,
        statusEvents: eventsByTeam.get(teamId) ?? [],
        contributions: countersByPair.get(`${proId}|${teamId}`),
      });
    const r = computeLedgerYear({ year, now, teams }, settings);
    rows.push({
      professional: {
        id: proId,
        rpps: pro.rpps,
        firstName: pro.firstName,
        lastName: pro.lastName,
        profession: pro.profession,
      },
      considered: r.escaps.length,
      counted: r.counted,
      contributions: r.contributions,
      amounts: r.amounts,
    });
  }
  const paid = rows.filter((r) => r.amounts.total > 0);
  return {
    year,
    settings,
    rows,
    totals: {
      professionals: rows.length,
      paid: paid.length,
      amount: paid.reduce((sum, r) => sum + r.amounts.total, 0),
    },
  };
}

/**
 * The report as CSV (server/src/http/csv.ts: French spreadsheet conventions, quoting and
 * formula neutralisation).
 */
export function reportCsv(report: LedgerReportView): string {
  return toCsv([
    [
      'RPPS',
      'nom',
      'prénom',
      'profession',
      'ESCAP considérées',
      'ESCAP comptées',
      'contributions',
      'montant base',
      'bonus',
      'total',
    ],
    ...report.rows.map((r) => [
      r.professional.rpps,
      r.professional.lastName,
      r.professional.firstName,
      PROFESSION_LABELS[r.professional.profession],
      r.considered,
      r.counted,
      r.contributions,
      r.amounts.base,
      r.amounts.bonus,
      r.amounts.total,
    ]),
  ]);
}

import { Types } from 'mongoose';
import { PROFESSIONS } from '../../shared/src/professions.js';
import type { TeamStatus } from '../../shared/src/rules/activation.js';
import type { LedgerYearInput } from '../../shared/src/rules/ledger.js';
import { yearBounds } from '../../shared/src/time.js';

/**
 * A synthetic platform for one ledger year, deterministic for a seed: professionals, teams of
 * 3 to 7 members (so about 5 memberships per team), each team's status history (activation,
 * suspensions for a médecin traitant replaced or a consent withdrawn, closures) and the
 * per-member contribution counters summarising `contributions` raw contributions.
 */
export interface Scale {
  professionals: number;
  teams: number;
  contributions: number;
}

export interface Dataset {
  year: number;
  professionals: {
    _id: Types.ObjectId;
    rpps: string;
    email: string;
    profession: string;
    firstName: string;
    lastName: string;
    demo: boolean;
    roles: string[];
  }[];
  teams: { _id: Types.ObjectId; status: TeamStatus }[];
  memberships: {
    _id: Types.ObjectId;
    teamId: Types.ObjectId;
    professionalId: Types.ObjectId;
    isCreator: boolean;
    joinedAt: Date;
    leftAt: Date | null;
    leftReason: 'left' | null;
  }[];
  events: { _id: Types.ObjectId; teamId: Types.ObjectId; status: TeamStatus; at: Date }[];
  counters: {
    _id: Types.ObjectId;
    professionalId: Types.ObjectId;
    teamId: Types.ObjectId;
    year: number;
    note: number;
    message: number;
    task: number;
    total: number;
  }[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const DAY = 86_400_000;

export function generate(scale: Scale, year: number, seed = 1): Dataset {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const { start, end } = yearBounds(year);
  const span = end.getTime() - start.getTime();
  // Teams start from 200 days before the year to its last month.
  const startAt = () => start.getTime() - 200 * DAY + int(span + 170 * DAY);

  const professionals = Array.from({ length: scale.professionals }, (_, i) => ({
    _id: new Types.ObjectId(),
    rpps: String(20_000_000_000 + i),
    email: `pro${i}@bench.escap.test`,
    profession: PROFESSIONS[i % PROFESSIONS.length]!,
    firstName: `Prénom${i}`,
    lastName: `Nom${i}`,
    demo: false,
    roles: [],
  }));
  const teams: Dataset['teams'] = [];
  const memberships: Dataset['memberships'] = [];
  const events: Dataset['events'] = [];
  for (let t = 0; t < scale.teams; t++) {
    const teamId = new Types.ObjectId();
    const created = startAt();
    const status: [TeamStatus, number][] = [['pending', created]];
    let at = created + (1 + int(10)) * DAY;
    status.push(['active', at]);
    const fate = random();
    if (fate < 0.3) {
      // Médecin traitant replaced or consent withdrawn, then active again.
      at += (20 + int(120)) * DAY;
      status.push(['suspended', at]);
      at += (5 + int(40)) * DAY;
      status.push(['active', at]);
    } else if (fate < 0.4) {
      at += (30 + int(200)) * DAY;
      status.push(['closed', at]);
    }
    teams.push({ _id: teamId, status: status.at(-1)![0] });
    for (const [s, when] of status)
      events.push({ _id: new Types.ObjectId(), teamId, status: s, at: new Date(when) });
    const size = 3 + int(5);
    const members = new Set<number>();
    while (members.size < size) members.add(int(scale.professionals));
    let first = true;
    for (const p of members) {
      const joined = created + (first ? 0 : int(15 * DAY));
      const leaves = random() < 0.1;
      memberships.push({
        _id: new Types.ObjectId(),
        teamId,
        professionalId: professionals[p]!._id,
        isCreator: first,
        joinedAt: new Date(joined),
        leftAt: leaves ? new Date(joined + (10 + int(150)) * DAY) : null,
        leftReason: leaves ? 'left' : null,
      });
      first = false;
    }
  }

  // 80 % of memberships contributed in the year; the raw contributions are spread over them.
  const contributing = memberships.filter(() => random() < 0.8);
  const totals = new Array<number>(contributing.length).fill(0);
  for (let c = 0; c < scale.contributions; c++) totals[int(contributing.length)]! += 1;
  const counters: Dataset['counters'] = [];
  contributing.forEach((m, i) => {
    const total = totals[i]!;
    if (total === 0) return;
    const note = int(total + 1);
    const message = int(total - note + 1);
    counters.push({
      _id: new Types.ObjectId(),
      professionalId: m.professionalId,
      teamId: m.teamId,
      year,
      note,
      message,
      task: total - note - message,
      total,
    });
  });
  return { year, professionals, teams, memberships, events, counters };
}

/** The rule's input for every professional, built from the data set in memory. */
export function ruleInputs(data: Dataset, now: Date): LedgerYearInput[] {
  const eventsByTeam = new Map<string, Dataset['events']>();
  for (const e of data.events) {
    const k = e.teamId.toHexString();
    const list = eventsByTeam.get(k);
    if (list) list.push(e);
    else eventsByTeam.set(k, [e]);
  }
  const counters = new Map(
    data.counters.map((c) => [`${c.professionalId.toHexString()}|${c.teamId.toHexString()}`, c]),
  );
  const byPro = new Map<string, Dataset['memberships']>();
  for (const m of data.memberships) {
    const k = m.professionalId.toHexString();
    const list = byPro.get(k);
    if (list) list.push(m);
    else byPro.set(k, [m]);
  }
  return [...byPro].map(([proId, ms]) => ({
    year: data.year,
    now,
    teams: ms.map((m) => {
      const teamId = m.teamId.toHexString();
      return {
        teamId,
        reference: '',
        memberships: [m],
        statusEvents: eventsByTeam.get(teamId) ?? [],
        contributions: counters.get(`${proId}|${teamId}`),
      };
    }),
  }));
}

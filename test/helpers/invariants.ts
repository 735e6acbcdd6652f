import type { Connection } from 'mongoose';
import type { Types } from 'mongoose';
import { teamStatus, type TeamStatus } from '../../shared/src/rules/activation.js';
import { DEFAULT_LEDGER_SETTINGS } from '../../shared/src/rules/ledger-settings.js';
import { computeLedgerYear } from '../../shared/src/rules/ledger.js';
import { yearBounds, yearOf } from '../../shared/src/time.js';

interface TeamRow {
  _id: Types.ObjectId;
  createdBy: Types.ObjectId;
  createdAt: Date;
  status: TeamStatus;
  medecinTraitantId: Types.ObjectId | null;
  consent: { withdrawnAt: Date | null };
  closure: { at: Date } | null;
  termEndsAt: Date | null;
}
interface MembershipRow {
  teamId: Types.ObjectId;
  professionalId: Types.ObjectId;
  isCreator: boolean;
  joinedAt: Date;
  leftAt: Date | null;
}
interface EventRow {
  status: TeamStatus;
  at: Date;
}
interface InvitationRow {
  _id: Types.ObjectId;
  professionalId: Types.ObjectId | null;
  status: string;
  respondedAt: Date | null;
}

/**
 * What must hold of every team whatever happened to the server (a race, a kill -9): read
 * straight from the database, and answered as a list of broken rules (empty when all hold),
 * so a failing test says which rule broke for which team.
 *
 * - the team is whole: patient file, inclusion, the creator's membership, a first PENDING event;
 * - its stored status is the activation rule applied to its memberships, consent and closure;
 * - its status history agrees with those facts at every instant one of them changed, and ends
 *   on the stored status: the ledger's active periods are the periods the rule says;
 * - every membership comes from the creation or an accepted invitation (joined when it was
 *   answered), and every accepted invitation has its membership;
 * - the ledger's member periods are the membership periods.
 */
export async function teamViolations(db: Connection, teamId: Types.ObjectId): Promise<string[]> {
  const out: string[] = [];
  const id = String(teamId);
  const team = await db.collection<TeamRow>('teams').findOne({ _id: teamId });
  if (!team) return [`${id}: no team`];
  const [patient, inclusions, memberships, events, invitations] = await Promise.all([
    db.collection('patients').findOne({ _id: teamId }),
    db.collection('inclusions').countDocuments({ teamId }),
    db.collection<MembershipRow>('memberships').find({ teamId }).toArray(),
    db.collection<EventRow>('teamstatusevents').find({ teamId }).sort({ at: 1, _id: 1 }).toArray(),
    db.collection<InvitationRow>('invitations').find({ teamId }).toArray(),
  ]);
  if (!patient) out.push(`${id}: no patient file`);
  if (inclusions === 0) out.push(`${id}: no inclusion`);
  if (!memberships.some((m) => m.isCreator && m.professionalId.equals(team.createdBy)))
    out.push(`${id}: no creator membership`);
  if (events[0]?.status !== 'pending') out.push(`${id}: history does not start pending`);
  if (events.at(-1)?.status !== team.status)
    out.push(`${id}: stored ${team.status}, history ends ${events.at(-1)?.status}`);
  for (let i = 1; i < events.length; i++)
    if (events[i]!.status === events[i - 1]!.status)
      out.push(`${id}: two ${events[i]!.status} events in a row`);

  // The rule at an instant: facts as they stood once every change at that instant was made.
  const statusAt = (t: number): TeamStatus => {
    const members = memberships.filter(
      (m) => m.joinedAt.getTime() <= t && (m.leftAt == null || m.leftAt.getTime() > t),
    );
    const ids = new Set(members.map((m) => String(m.professionalId)));
    return teamStatus({
      closed: team.closure != null && team.closure.at.getTime() <= t,
      memberCount: ids.size,
      medecinTraitantIsMember:
        team.medecinTraitantId != null && ids.has(String(team.medecinTraitantId)),
      consentInForce: !(team.consent.withdrawnAt && team.consent.withdrawnAt.getTime() <= t),
      everActive: events.some((e) => e.status === 'active' && e.at.getTime() < t),
      termEnded: team.termEndsAt != null && team.termEndsAt.getTime() <= t,
    });
  };
  const recorded = (t: number): TeamStatus =>
    events.filter((e) => e.at.getTime() <= t).at(-1)?.status ?? 'pending';
  const instants = new Set<number>([
    ...memberships.flatMap((m) => [
      m.joinedAt.getTime(),
      ...(m.leftAt ? [m.leftAt.getTime()] : []),
    ]),
    ...events.map((e) => e.at.getTime()),
    ...(team.consent.withdrawnAt ? [team.consent.withdrawnAt.getTime()] : []),
  ]);
  for (const t of [...instants].sort((a, b) => a - b)) {
    if (recorded(t) !== statusAt(t))
      out.push(
        `${id}: at ${new Date(t).toISOString()} history says ${recorded(t)}, facts say ${statusAt(t)}`,
      );
  }

  for (const m of memberships) {
    if (m.isCreator) continue;
    const from = invitations.find(
      (i) =>
        i.status === 'accepted' &&
        i.professionalId?.equals(m.professionalId) &&
        i.respondedAt?.getTime() === m.joinedAt.getTime(),
    );
    if (!from)
      out.push(`${id}: membership of ${String(m.professionalId)} from no accepted invitation`);
  }
  for (const i of invitations.filter((x) => x.status === 'pending' && x.professionalId)) {
    const member = memberships.some(
      (m) => m.leftAt == null && i.professionalId?.equals(m.professionalId),
    );
    if (member) out.push(`${id}: invitation ${String(i._id)} still open for a current member`);
  }
  for (const i of invitations.filter((x) => x.status === 'accepted')) {
    const joined = memberships.some(
      (m) =>
        i.professionalId?.equals(m.professionalId) &&
        m.joinedAt.getTime() === i.respondedAt?.getTime(),
    );
    if (!joined) out.push(`${id}: invitation ${String(i._id)} accepted with nobody joined`);
  }

  // The ledger's member periods, for each member this year, are the membership periods.
  const now = new Date();
  const year = yearOf(now, DEFAULT_LEDGER_SETTINGS.timeZone);
  for (const pro of new Set(memberships.map((m) => String(m.professionalId)))) {
    const mine = memberships.filter((m) => String(m.professionalId) === pro);
    const result = computeLedgerYear(
      {
        year,
        now,
        teams: [{ teamId: id, reference: 'x', memberships: mine, statusEvents: events }],
      },
      DEFAULT_LEDGER_SETTINGS,
    );
    const periods = result.escaps[0]?.memberPeriods.map((p) => [p.from.getTime(), p.to.getTime()]);
    const { start, end } = yearBounds(year, DEFAULT_LEDGER_SETTINGS.timeZone);
    const expected: number[][] = [];
    for (const [a, b] of mine
      .map((m) => [
        Math.max(m.joinedAt.getTime(), start.getTime()),
        Math.min((m.leftAt ?? now).getTime(), end.getTime()),
      ])
      .filter(([a, b]) => a! < b!)
      .sort((x, y) => x[0]! - y[0]!)) {
      const last = expected.at(-1);
      if (last && a! <= last[1]!) last[1] = Math.max(last[1]!, b!);
      else expected.push([a!, b!]);
    }
    if (JSON.stringify(periods ?? []) !== JSON.stringify(expected))
      out.push(`${id}: ledger member periods of ${pro} differ from the memberships`);
  }
  return out;
}

/** The violations of every team in the database. */
export async function allTeamViolations(db: Connection): Promise<string[]> {
  const teams = await db.collection('teams').find({}).toArray();
  const all = await Promise.all(teams.map((t) => teamViolations(db, t._id)));
  return all.flat();
}

/**
 * The ESCAP activation rule (docs/domain.md; avenant n°1 to the ACIP): a team is ACTIVE while it
 * has at least three accepted members, the patient's médecin traitant among them, and the
 * patient's consent in force, within its term. Otherwise it is PENDING if it was never active,
 * SUSPENDED if it was. CLOSED is final. Pure: the server stores every status change with its
 * time (the participation ledger is computed from that history) and the UI shows the gaps.
 */
export const TEAM_STATUSES = ['pending', 'active', 'suspended', 'closed'] as const;
export type TeamStatus = (typeof TEAM_STATUSES)[number];

/** Certain (docs/domain.md): at least three health professionals. */
export const MIN_MEMBERS = 3;

export interface ActivationFacts {
  closed: boolean;
  /** Current accepted members (the creator counts once accepted, which is at creation). */
  memberCount: number;
  /** The designated médecin traitant is one of the current members. */
  medecinTraitantIsMember: boolean;
  consentInForce: boolean;
  /** The team has been active at some time before (PENDING vs SUSPENDED). */
  everActive: boolean;
  /** The current term is over (a term starts at activation and lasts one year). */
  termEnded: boolean;
}

export type ActivationGap = 'closed' | 'members' | 'medecin_traitant' | 'consent' | 'term_ended';

/** What stands between the team and ACTIVE, in a stable order; empty when active. */
export function activationGaps(f: ActivationFacts): ActivationGap[] {
  if (f.closed) return ['closed'];
  const gaps: ActivationGap[] = [];
  if (f.memberCount < MIN_MEMBERS) gaps.push('members');
  if (!f.medecinTraitantIsMember) gaps.push('medecin_traitant');
  if (!f.consentInForce) gaps.push('consent');
  if (f.termEnded) gaps.push('term_ended');
  return gaps;
}

export function teamStatus(f: ActivationFacts): TeamStatus {
  if (f.closed) return 'closed';
  if (activationGaps(f).length === 0) return 'active';
  return f.everActive ? 'suspended' : 'pending';
}

export const STATUS_LABELS: Record<TeamStatus, string> = {
  pending: 'En attente',
  active: 'Active',
  suspended: 'Suspendue',
  closed: 'Clôturée',
};

export function gapLabel(gap: ActivationGap, memberCount: number): string {
  switch (gap) {
    case 'closed':
      return 'L’ESCAP est clôturée.';
    case 'members': {
      const missing = MIN_MEMBERS - memberCount;
      return `Il manque ${missing} professionnel${missing > 1 ? 's' : ''} (au moins ${MIN_MEMBERS} membres).`;
    }
    case 'medecin_traitant':
      return 'Le médecin traitant n’a pas encore rejoint l’équipe.';
    case 'consent':
      return 'Le consentement du patient n’est pas en vigueur.';
    case 'term_ended':
      return 'La période d’un an est échue : renouvelez l’ESCAP.';
  }
}

/** Why a team's file is read-only, if it is: the error code a refused write answers. */
export type WriteBlock = 'team_closed' | 'read_only';

/**
 * THE read-only rule, used by the server's policy and by the views: a closed team keeps its
 * file for reading only, and a withdrawn consent stops every write at once until a new one is
 * recorded (CSP L.1110-4: sharing needs the patient's agreement).
 */
export function writeBlock(
  f: Pick<ActivationFacts, 'closed' | 'consentInForce'>,
): WriteBlock | null {
  if (f.closed) return 'team_closed';
  if (!f.consentInForce) return 'read_only';
  return null;
}

export function isReadOnly(f: Pick<ActivationFacts, 'closed' | 'consentInForce'>): boolean {
  return writeBlock(f) !== null;
}

/** One year from a term's start (activation or renewal), same calendar date. */
export function termEnd(start: Date): Date {
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  return end;
}

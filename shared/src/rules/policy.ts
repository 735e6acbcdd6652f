import { writeBlock, type WriteBlock } from './activation.js';

/**
 * Who may do what in a team, declared once (docs/architecture.md, "Access"). The server asks
 * it on every route and socket event; the team view carries its answers (`can`) so the client
 * shows only the buttons that will work. Only CURRENT members ever get this far: anyone else is
 * refused earlier with the same 404 as for a team that does not exist (CSP L.1110-4).
 */
/**
 * Each action with the rule that grants it:
 * - `read`: every current member, also on a read-only team;
 * - `write`: a member, on a writable team (not closed, consent in force);
 * - `manage`: the creator or the médecin traitant, on a writable team;
 * - `renew`: `manage`, on a team that was active once (it has a term);
 * - `close`: a manager, on a team not closed yet (also after a consent withdrawal);
 * - `new-consent`: a member, only after a withdrawal, on a team not closed;
 * - `export`: a manager, whatever the team's state (a closed file is still handed over; docs/fhir.md).
 */
const RULES = {
  'team.read': 'read',
  'audit.read': 'read',
  /** Whether this team's pushes reach one's own phone: also on a read-only team. */
  'push.mute': 'read',
  'patient.update': 'write',
  'note.edit': 'write',
  'note.version.create': 'write',
  'message.send': 'write',
  'task.write': 'write',
  'file.write': 'write',
  'plan.write': 'write',
  'event.record': 'write',
  'document.add': 'write',
  'document.remove': 'write',
  'member.leave': 'write',
  'consent.withdraw': 'write',
  'member.invite': 'manage',
  'member.remove': 'manage',
  'invitation.cancel': 'manage',
  'medecin_traitant.set': 'manage',
  'task.delete.any': 'manage',
  'document.remove.any': 'manage',
  'team.renew': 'renew',
  'team.close': 'close',
  'consent.record': 'new-consent',
  'fhir.export': 'export',
  /** Opening the patient's own access, sending its code: a write, like the file. */
  'patient_access.grant': 'write',
  /**
   * Ending it: any current member, also on a read-only team (a closed team's carer access
   * must still be revocable: it only takes access away).
   */
  'patient_access.revoke': 'read',
} as const satisfies Record<
  string,
  'read' | 'write' | 'manage' | 'renew' | 'close' | 'new-consent' | 'export'
>;

export type TeamAction = keyof typeof RULES;
export const TEAM_ACTIONS = Object.keys(RULES) as TeamAction[];

/** What the policy needs to know about the actor and the team. */
export interface PolicySubject {
  /** The creator or the current médecin traitant. */
  isManager: boolean;
  closed: boolean;
  consentInForce: boolean;
  /** Renewal needs a term: the team was active once. */
  everActive: boolean;
}

/** The refusals the policy can answer, each a stable error code (shared/src/errors.ts). */
export type Denial = WriteBlock | 'forbidden' | 'consent_in_force' | 'not_yet_active';

/** Why `action` is refused to this member, or null when it is allowed. */
export function denial(s: PolicySubject, action: TeamAction): Denial | null {
  const rule = RULES[action];
  switch (rule) {
    case 'read':
      return null;
    case 'export':
      return s.isManager ? null : 'forbidden';
    case 'close':
      if (!s.isManager) return 'forbidden';
      return s.closed ? 'team_closed' : null;
    case 'new-consent':
      if (s.closed) return 'team_closed';
      return s.consentInForce ? 'consent_in_force' : null;
    case 'write':
    case 'manage':
    case 'renew': {
      if (rule !== 'write' && !s.isManager) return 'forbidden';
      const block = writeBlock(s);
      if (block) return block;
      if (rule === 'renew' && !s.everActive) return 'not_yet_active';
      return null;
    }
  }
}

export const can = (s: PolicySubject, action: TeamAction): boolean => denial(s, action) === null;

/** Every action with whether it is allowed: what the team view sends the client. */
export type TeamAbilities = Record<TeamAction, boolean>;

export function abilities(s: PolicySubject): TeamAbilities {
  return Object.fromEntries(TEAM_ACTIONS.map((a) => [a, can(s, a)])) as TeamAbilities;
}

/**
 * Platform actions: not about one team, granted by a platform role (given by the
 * `npm run gestionnaire` command, never over HTTP). The gestionnaire reads the yearly report of
 * every professional's counts and amounts, which holds no health data.
 */
export const PLATFORM_ACTIONS = ['ledger.report'] as const;
export type PlatformAction = (typeof PLATFORM_ACTIONS)[number];

const PLATFORM_ROLE: Record<PlatformAction, string> = { 'ledger.report': 'gestionnaire' };

/**
 * Whether a professional may take a platform action. Read defensively: a session answered
 * without roles (an older server or schema) carries no `roles` field, which means no role.
 */
export function canOnPlatform(
  professional: object | null | undefined,
  action: PlatformAction,
): boolean {
  if (!professional || !('roles' in professional)) return false;
  const roles = professional.roles;
  return Array.isArray(roles) && roles.includes(PLATFORM_ROLE[action]);
}

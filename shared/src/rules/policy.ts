import { writeBlock, type WriteBlock } from './activation.js';

/**
 * Who may do what in a team, declared once (docs/architecture.md, "Access"). The server asks
 * it on every route and socket event; the team view carries its answers (`can`) so the client
 * shows only the buttons that will work. Only CURRENT members ever get this far: anyone else is
 * refused earlier with the same 404 as for a team that does not exist (CSP L.1110-4).
 */
export const TEAM_ACTIONS = [
  // Reading: every current member, also on a read-only team.
  'team.read',
  'audit.read',
  // Writing to the patient's file and the team's work: a writable team.
  'patient.update',
  'note.edit',
  'note.version.create',
  'message.send',
  'task.write',
  'document.add',
  'document.remove',
  'member.leave',
  'consent.withdraw',
  // Managing the team: its creator or its médecin traitant, on a writable team.
  'member.invite',
  'member.remove',
  'invitation.cancel',
  'medecin_traitant.set',
  'task.delete.any',
  'document.remove.any',
  'team.renew',
  // Closing needs a manager and a team not closed yet (also after a consent withdrawal).
  'team.close',
  // A new consent: only after a withdrawal, on a team not closed.
  'consent.record',
] as const;

export type TeamAction = (typeof TEAM_ACTIONS)[number];

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

const MANAGED = new Set<TeamAction>([
  'member.invite',
  'member.remove',
  'invitation.cancel',
  'medecin_traitant.set',
  'task.delete.any',
  'document.remove.any',
  'team.renew',
]);

/** Why `action` is refused to this member, or null when it is allowed. */
export function denial(s: PolicySubject, action: TeamAction): Denial | null {
  switch (action) {
    case 'team.read':
    case 'audit.read':
      return null;
    case 'team.close':
      if (!s.isManager) return 'forbidden';
      return s.closed ? 'team_closed' : null;
    case 'consent.record':
      if (s.closed) return 'team_closed';
      return s.consentInForce ? 'consent_in_force' : null;
    case 'patient.update':
    case 'note.edit':
    case 'note.version.create':
    case 'message.send':
    case 'task.write':
    case 'document.add':
    case 'document.remove':
    case 'member.leave':
    case 'consent.withdraw':
    case 'member.invite':
    case 'member.remove':
    case 'invitation.cancel':
    case 'medecin_traitant.set':
    case 'task.delete.any':
    case 'document.remove.any':
    case 'team.renew': {
      if (MANAGED.has(action) && !s.isManager) return 'forbidden';
      const block = writeBlock(s);
      if (block) return block;
      if (action === 'team.renew' && !s.everActive) return 'not_yet_active';
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

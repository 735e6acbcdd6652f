import {
  abilities,
  denial,
  type PolicySubject,
  type TeamAbilities,
  type TeamAction,
} from '../../../shared/src/rules/policy.js';
import { AppError } from '../http/errors.js';
import type { MemberContext } from './access.js';

/**
 * The server's side of the one access policy (shared/src/rules/policy.ts): the subject is read
 * off a member context, which only current members ever get (anyone else: 404).
 */
export function subjectOf(ctx: MemberContext): PolicySubject {
  return {
    isManager: ctx.isManager,
    closed: ctx.team.closure != null,
    consentInForce: ctx.team.consent.withdrawnAt == null,
    everActive: ctx.team.everActive,
  };
}

/** Throws the policy's refusal (403 forbidden, 409 team_closed / read_only...) if any. */
export function authorize(ctx: MemberContext, action: TeamAction): void {
  const refused = denial(subjectOf(ctx), action);
  if (refused) throw new AppError(refused);
}

export const allowed = (ctx: MemberContext, action: TeamAction): boolean =>
  denial(subjectOf(ctx), action) === null;

/** The `can` flags of the team view. */
export const abilitiesOf = (ctx: MemberContext): TeamAbilities => abilities(subjectOf(ctx));

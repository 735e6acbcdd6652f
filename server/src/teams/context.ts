import { Router, type Request, type RequestHandler } from 'express';
import { requireAuth } from '../http/middleware.js';
import type { MemberContext } from './access.js';
import type { TeamService } from './service.js';

/**
 * Everything under /api/teams/:teamId: a session first, then the acting professional's member
 * context, resolved ONCE per request before any route or body parsing, so a non-member gets
 * the same 404 as for a team that does not exist on every route, whatever they send
 * (CSP L.1110-4). The features' routers are mounted on the router this returns; what each
 * member may do there is the policy's answer (teams/policy.ts).
 */
export function teamScope(teams: TeamService): Router {
  const scope = Router({ mergeParams: true });
  scope.use(requireAuth, resolveTeam(teams));
  return scope;
}

function resolveTeam(teams: TeamService): RequestHandler {
  return (req, _res, next) => {
    const teamId = (req.params as { teamId?: string }).teamId ?? '';
    teams
      .member(req.auth!.professional, teamId)
      .then((ctx) => {
        req.team = ctx;
        next();
      })
      .catch(next);
  };
}

/** The member context of a request under the team scope. */
export function teamOf(req: Request): MemberContext {
  if (!req.team) throw new Error('route mounted outside the team scope');
  return req.team;
}

import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { Logger } from '../logger.js';
import type { MemberContext } from '../teams/access.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
      /** Set by the session middleware when the cookie names a live session. */
      auth?: { sessionId: string; professional: Professional };
      /** Set by the team-context middleware under /api/teams/:teamId: the acting member. */
      team?: MemberContext;
    }
  }
}

export {};

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthService } from '../auth/service.js';
import { newCsrfToken, safeEqual, verifyCsrfToken } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_COOKIE,
  cookieOptions,
  parseCookies,
} from './cookies.js';
import { AppError, unauthenticated } from './errors.js';

/** A request id and a child logger per request (never log health data: docs/architecture.md). */
export function requestContext(logger: Logger): RequestHandler {
  return (req, _res, next) => {
    req.id = randomUUID();
    req.log = logger.child({ reqId: req.id });
    next();
  };
}

/** Loads the session named by the cookie; anonymous requests go on without `req.auth`. */
export function loadSession(auth: AuthService): RequestHandler {
  return (req, _res, next) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    auth
      .resolve(token)
      .then((found) => {
        if (found) {
          req.auth = { sessionId: found.id, professional: found.professional };
          req.log = req.log.child({ userId: found.professional.id });
        }
        next();
      })
      .catch(next);
  };
}

export function requireAuth(req: Request, _res: Response, next: NextFunction): void {
  next(req.auth ? undefined : unauthenticated());
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for every state-changing request, signed in or not (sign-in itself is
 * protected, against login CSRF): the header must echo the CSRF cookie, and the cookie must be
 * signed for the current session.
 */
export function csrfProtection(secret: string): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const cookie = parseCookies(req.headers.cookie)[CSRF_COOKIE];
    const header = req.get(CSRF_HEADER);
    const valid =
      cookie !== undefined &&
      header !== undefined &&
      safeEqual(cookie, header) &&
      verifyCsrfToken(secret, cookie, req.auth?.sessionId);
    next(valid ? undefined : new AppError('csrf_invalid'));
  };
}

/** Issues a CSRF cookie bound to the given session (or to no session). */
export function issueCsrfCookie(
  res: Response,
  secret: string,
  secure: boolean,
  sessionId: string | undefined,
): void {
  res.cookie(CSRF_COOKIE, newCsrfToken(secret, sessionId), cookieOptions(secure, false));
}

/** Ensures the request carries a valid CSRF cookie for its session; re-issues one otherwise. */
export function ensureCsrfCookie(
  req: Request,
  res: Response,
  secret: string,
  secure: boolean,
): void {
  const cookie = parseCookies(req.headers.cookie)[CSRF_COOKIE];
  if (!cookie || !verifyCsrfToken(secret, cookie, req.auth?.sessionId)) {
    issueCsrfCookie(res, secret, secure, req.auth?.sessionId);
  }
}

/** Bodies must be JSON: anything else is refused before it reaches a handler. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) return next(new AppError('unsupported_media_type'));
  next();
}

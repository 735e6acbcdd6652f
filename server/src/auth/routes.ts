import { Router, type Response } from 'express';
import { signInSchema, signUpSchema, type SessionInfo } from '../../../shared/src/schemas/auth.js';
import { mailLinkBase } from '../accounts/routes.js';
import type { AccountService } from '../accounts/service.js';
import type { Config } from '../config.js';
import { safeError } from '../logger.js';
import { SESSION_COOKIE, clearCookie, cookieOptions } from '../http/cookies.js';
import { ensureCsrfCookie, issueCsrfCookie, requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import type { AuthService, AuthSession } from './service.js';

export interface AuthRoutesDeps {
  config: Config;
  auth: AuthService;
  accounts: AccountService;
  /** Called after sign-out so live sockets of that session are disconnected at once. */
  onSignOut: (sessionId: string) => void;
}

export function authRoutes({ config, auth, accounts, onSignOut }: AuthRoutesDeps): Router {
  const router = Router();
  const secure = config.secureCookies;

  const startSession = (res: Response, session: AuthSession) => {
    res.cookie(SESSION_COOKIE, session.token, cookieOptions(secure, true, config.sessionTtlMs));
    // A new session gets a new CSRF token: the anonymous one is no longer valid.
    issueCsrfCookie(res, config.sessionSecret, secure, session.id);
  };

  /** Who is signed in; also hands out the CSRF cookie the client echoes on writes. */
  router.get('/session', (req, res) => {
    ensureCsrfCookie(req, res, config.sessionSecret, secure);
    res.set('Cache-Control', 'no-store');
    const body: SessionInfo = { professional: req.auth?.professional ?? null };
    res.json(body);
  });

  router.post('/auth/signup', async (req, res) => {
    const input = parse(signUpSchema, req.body);
    const session = await auth.signUp(input);
    req.log.info({ userId: session.professional.id }, 'professional signed up');
    accounts
      .sendVerification(session.professional.id, mailLinkBase(req, config))
      .catch((err: unknown) => req.log.error({ err: safeError(err) }, 'verification mail failed'));
    startSession(res, session);
    res.status(201).json({ professional: session.professional });
  });

  router.post('/auth/signin', async (req, res) => {
    const input = parse(signInSchema, req.body);
    const session = await auth.signIn(input, req.ip ?? 'unknown');
    req.log.info({ userId: session.professional.id }, 'professional signed in');
    startSession(res, session);
    res.json({ professional: session.professional });
  });

  router.post('/auth/signout', requireAuth, async (req, res) => {
    const sessionId = req.auth!.sessionId;
    await auth.signOut(sessionId);
    onSignOut(sessionId);
    clearCookie(res, SESSION_COOKIE, secure);
    issueCsrfCookie(res, config.sessionSecret, secure, undefined);
    res.status(204).end();
  });

  return router;
}

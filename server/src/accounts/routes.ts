import { Router, type Request } from 'express';
import {
  forgotPasswordSchema,
  resetPasswordSchema,
  verifyEmailSchema,
} from '../../../shared/src/schemas/account.js';
import type { AuthService } from '../auth/service.js';
import type { Config } from '../config.js';
import { SESSION_COOKIE, clearCookie } from '../http/cookies.js';
import { issueCsrfCookie, requireAuth } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import { safeError } from '../logger.js';
import { rooms, type AppServer } from '../realtime/io.js';
import type { AccountService } from './service.js';

/**
 * Where links in account mails point. PUBLIC_URL when set; the request's own address only
 * outside production (a Host header chosen by an attacker must never end up in a reset link:
 * production with SMTP requires PUBLIC_URL, see config.ts).
 */
export function mailLinkBase(req: Request, config: Config): string {
  return config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** Every live socket of a professional ends: their sessions were all deleted. */
export function endProfessionalSockets(io: AppServer, professionalId: string): void {
  const room = rooms.user(professionalId);
  io.to(room).emit('session:ended');
  io.in(room).disconnectSockets(true);
}

export interface AccountRoutesDeps {
  config: Config;
  accounts: AccountService;
  auth: AuthService;
  io: AppServer;
}

/** /api/auth/…: address verification, password reset, signing out everywhere. */
export function accountRoutes({ config, accounts, auth, io }: AccountRoutesDeps): Router {
  const router = Router();
  const secure = config.secureCookies;

  /** The same answer, at once, whether an account has this address or not. */
  router.post('/auth/password/forgot', (req, res) => {
    const { email } = parse(forgotPasswordSchema, req.body);
    accounts.requestReset(email, mailLinkBase(req, config));
    res.status(202).json({});
  });

  router.get('/auth/password/reset/:token', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ usable: await accounts.resetUsable(String(req.params.token)) });
  });

  router.post('/auth/password/reset', async (req, res) => {
    const { token, password } = parse(resetPasswordSchema, req.body);
    const professionalId = await accounts.resetPassword(token, password);
    req.log.info({ userId: professionalId }, 'password reset; every session ended');
    endProfessionalSockets(io, professionalId);
    // This browser's session (if any) was one of them.
    clearCookie(res, SESSION_COOKIE, secure);
    issueCsrfCookie(res, config.sessionSecret, secure, undefined);
    res.status(204).end();
  });

  router.post('/auth/email/verify', async (req, res) => {
    const { token } = parse(verifyEmailSchema, req.body);
    await accounts.verifyEmail(token);
    res.status(204).end();
  });

  router.post('/auth/email/resend', requireAuth, (req, res) => {
    accounts
      .sendVerification(req.auth!.professional.id, mailLinkBase(req, config))
      .catch((err: unknown) => req.log.error({ err: safeError(err) }, 'verification mail failed'));
    res.status(202).json({});
  });

  router.post('/auth/signout-everywhere', requireAuth, async (req, res) => {
    const professionalId = req.auth!.professional.id;
    await auth.endAllSessions(professionalId);
    endProfessionalSockets(io, professionalId);
    req.log.info({ userId: professionalId }, 'signed out everywhere');
    clearCookie(res, SESSION_COOKIE, secure);
    issueCsrfCookie(res, config.sessionSecret, secure, undefined);
    res.status(204).end();
  });

  return router;
}

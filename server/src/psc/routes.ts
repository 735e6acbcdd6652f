import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { emailSchema } from '../../../shared/src/schemas/auth.js';
import { LIMITS } from '../../../shared/src/limits.js';
import { wellFormedText } from '../../../shared/src/text.js';
import { mailLinkBase } from '../accounts/routes.js';
import type { AccountService } from '../accounts/service.js';
import type { AuthSession } from '../auth/service.js';
import type { Config } from '../config.js';
import { SESSION_COOKIE, cookieOptions, parseCookies } from '../http/cookies.js';
import { AppError } from '../http/errors.js';
import { issueCsrfCookie } from '../http/middleware.js';
import { parse } from '../http/validate.js';
import { safeError } from '../logger.js';
import { LOGIN_TTL_MS, type ProSanteConnect } from './service.js';

/** Binds a sign-in under way to the browser that started it. */
export const PSC_COOKIE = 'escap_psc';
const COOKIE_PATH = '/api/auth/psc';

const linkSchema = z.strictObject({
  password: wellFormedText('Le mot de passe est obligatoire.')
    .min(1, { error: 'Le mot de passe est obligatoire.' })
    .max(LIMITS.passwordMax, { error: 'Le mot de passe est trop long.' }),
});
const createSchema = z.strictObject({ email: emailSchema });
const invitationToken = /^[\w-]{20,100}$/;

export interface PscRoutesDeps {
  config: Config;
  psc: ProSanteConnect | undefined;
  accounts: AccountService;
}

/**
 * /api/auth/psc/…: the redirect flow (start, callback: browser navigations, answered with
 * redirects into the app) and the two steps a first sign-in may need (link an existing
 * account with its password, or give an address). Without PSC settings, /api/auth/psc/config
 * says it is off and every other route is a 404.
 */
export function pscRoutes({ config, psc, accounts }: PscRoutesDeps): Router {
  const router = Router();
  const secure = config.secureCookies;
  const redirectUri = (req: Request) => `${mailLinkBase(req, config)}/api/auth/psc/callback`;

  router.get('/auth/psc/config', (_req, res) => {
    res.json({ enabled: psc !== undefined });
  });
  if (!psc) return router;

  // SameSite=Lax, not Strict: the provider sends the browser back with a cross-site navigation,
  // on which a Strict cookie would not come. Path-scoped to these routes, 10 minutes, httpOnly.
  const setBrowserKey = (res: Response, value: string) =>
    res.cookie(PSC_COOKIE, value, {
      httpOnly: true,
      secure,
      sameSite: 'lax',
      path: COOKIE_PATH,
      maxAge: LOGIN_TTL_MS,
    });
  const clearBrowserKey = (res: Response) =>
    res.clearCookie(PSC_COOKIE, { httpOnly: true, secure, sameSite: 'lax', path: COOKIE_PATH });
  const browserKey = (req: Request) => parseCookies(req.headers.cookie)[PSC_COOKIE];

  const startSession = (res: Response, session: AuthSession) => {
    res.cookie(SESSION_COOKIE, session.token, cookieOptions(secure, true, config.sessionTtlMs));
    issueCsrfCookie(res, config.sessionSecret, secure, session.id);
  };
  const home = (invitation: string | null) =>
    invitation ? `/invitation/${encodeURIComponent(invitation)}` : '/';

  router.get('/auth/psc/start', async (req, res) => {
    const param = typeof req.query.invitation === 'string' ? req.query.invitation : '';
    const invitation = invitationToken.test(param) ? param : null;
    try {
      const { url, browserKey: key } = await psc.start(redirectUri(req), invitation);
      setBrowserKey(res, key);
      res.set('Cache-Control', 'no-store');
      res.redirect(302, url);
    } catch (err) {
      req.log.warn({ err: safeError(err) }, 'Pro Santé Connect start failed');
      res.redirect(302, '/connexion?psc=indisponible');
    }
  });

  router.get('/auth/psc/callback', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const current = new URL(req.originalUrl, redirectUri(req));
    try {
      const outcome = await psc.callback(browserKey(req), current);
      if (outcome.kind === 'signed_in') {
        clearBrowserKey(res);
        startSession(res, outcome.session);
        req.log.info(
          { userId: outcome.session.professional.id },
          'signed in with Pro Santé Connect',
        );
        res.redirect(302, home(outcome.invitation));
        return;
      }
      res.redirect(302, '/connexion/pro-sante-connect');
    } catch (err) {
      clearBrowserKey(res);
      const reason =
        err instanceof AppError && err.code === 'psc_profession_unsupported'
          ? 'profession'
          : 'echec';
      res.redirect(302, `/connexion?psc=${reason}`);
    }
  });

  router.get('/auth/psc/pending', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ pending: await psc.pending(browserKey(req)) });
  });

  router.post('/auth/psc/link', async (req, res) => {
    const { password } = parse(linkSchema, req.body);
    const pending = await psc.pending(browserKey(req));
    const session = await psc.link(browserKey(req), password, req.ip ?? 'unknown');
    clearBrowserKey(res);
    startSession(res, session);
    req.log.info({ userId: session.professional.id }, 'Pro Santé Connect linked to an account');
    res.json({ professional: session.professional, invitation: pending?.invitation ?? null });
  });

  router.post('/auth/psc/create', async (req, res) => {
    const { email } = parse(createSchema, req.body);
    const pending = await psc.pending(browserKey(req));
    const session = await psc.create(browserKey(req), email);
    clearBrowserKey(res);
    startSession(res, session);
    req.log.info({ userId: session.professional.id }, 'account created with Pro Santé Connect');
    accounts
      .sendVerification(session.professional.id, mailLinkBase(req, config))
      .catch((err: unknown) => req.log.error({ err: safeError(err) }, 'verification mail failed'));
    res
      .status(201)
      .json({ professional: session.professional, invitation: pending?.invitation ?? null });
  });

  router.post('/auth/psc/cancel', (req, res) => {
    clearBrowserKey(res);
    res.status(204).end();
  });

  return router;
}

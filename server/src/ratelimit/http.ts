import type { RequestHandler } from 'express';
import { AppError } from '../http/errors.js';
import type { RateLimits } from './limits.js';

/**
 * The HTTP API's limit: per professional once the session is loaded (wherever they come from,
 * on whichever instance), per client IP for anonymous requests (sign-in and sign-up pages;
 * `TRUST_PROXY` makes it the client's address behind a proxy). A refused request answers
 * 429 `rate_limited` with Retry-After.
 */
export function httpRateLimit(limits: RateLimits): RequestHandler {
  return (req, _res, next) => {
    const professional = req.auth?.professional.id;
    const verdict = professional
      ? limits.http.professional.take(professional)
      : limits.http.ip.take(req.ip ?? 'unknown');
    verdict.then(
      (v) =>
        next(
          v.ok
            ? undefined
            : new AppError('rate_limited', {
                retryAfter: Math.max(1, Math.ceil(v.retryAfterMs / 1000)),
              }),
        ),
      next,
    );
  };
}

import type { ErrorRequestHandler } from 'express';
import { ERRORS, type ApiErrorBody, type ErrorCode } from '../../../shared/src/errors.js';
import { safeError, type Logger } from '../logger.js';

/**
 * The application's errors: a stable code and whether it is worth logging. The HTTP status and
 * the French message come from the one error table (shared/src/errors.ts); a message of its own
 * (a validation schema's) may replace the table's.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    public readonly code: ErrorCode,
    options: { message?: string; field?: string; retryAfter?: number; log?: boolean } = {},
  ) {
    super(options.message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
    this.name = 'AppError';
    this.field = options.field;
    this.retryAfter = options.retryAfter;
    this.log = options.log ?? false;
  }
  readonly field: string | undefined;
  readonly retryAfter: number | undefined;
  readonly log: boolean;

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field !== undefined ? { field: this.field } : {}),
        ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
      },
    };
  }
}

export const validationError = (field: string, message: string) =>
  new AppError('validation_failed', { field, message });
export const notFound = () => new AppError('not_found');
export const unauthenticated = () => new AppError('unauthenticated');
export const conflict = (code: 'rpps_taken' | 'email_taken', field: string) =>
  new AppError(code, { field });

/** Errors thrown by body-parser carry a `type`; map them to our codes. */
function fromBodyParser(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json');
    case 'entity.too.large':
      return new AppError('payload_too_large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type');
    default:
      return undefined;
  }
}

/** One error middleware: known errors answer with their code; anything else is a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof AppError ? err : fromBodyParser(err);
    const log = (req as { log?: Logger }).log ?? logger;
    if (known) {
      if (known.log) log.warn({ code: known.code }, 'request failed');
      if (known.retryAfter !== undefined) res.setHeader('Retry-After', String(known.retryAfter));
      res.status(known.status).json(known.toBody());
      return;
    }
    // Unknown errors may carry anything (even data from the request): log the stack, send nothing of it.
    log.error({ err: safeError(err) }, 'unhandled error');
    const body: ApiErrorBody = {
      error: { code: 'internal_error', message: ERRORS.internal_error.message },
    };
    res.status(500).json(body);
  };
}

import type { ErrorRequestHandler } from 'express';
import { ERROR_MESSAGES, type ApiErrorBody, type ErrorCode } from '../../../shared/src/errors.js';
import { safeError, type Logger } from '../logger.js';

/**
 * The application's errors: a stable code, an HTTP status, and whether it is worth logging.
 * Messages shown to users come from shared/errors.ts (French), or from the validation schema.
 */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    options: { message?: string; field?: string; retryAfter?: number; log?: boolean } = {},
  ) {
    super(options.message ?? ERROR_MESSAGES[code]);
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
  new AppError('validation_failed', 400, { field, message });
export const notFound = () => new AppError('not_found', 404);
export const unauthenticated = () => new AppError('unauthenticated', 401);
export const conflict = (code: 'rpps_taken' | 'email_taken', field: string) =>
  new AppError(code, 409, { field });

/** Errors thrown by body-parser carry a `type`; map them to our codes. */
function fromBodyParser(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json', 400);
    case 'entity.too.large':
      return new AppError('payload_too_large', 413);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 415);
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
      error: { code: 'internal_error', message: ERROR_MESSAGES.internal_error },
    };
    res.status(500).json(body);
  };
}

import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs in production, readable in development, quiet in tests. Redaction is a safety net
 * only: code must never pass health data or secrets to the logger in the first place.
 */
/** `destination`: where the lines go (stdout without it; tests read them back). */
export function createLogger(
  level: string,
  pretty: boolean,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: {
      paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
    ...(pretty && !destination
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * What of an unexpected error may be logged. Driver and validation messages can quote the
 * data that caused them (a duplicate key, a refused value), which may be health data; only
 * the error's kind, code and stack frames are kept.
 */
export function safeError(err: unknown): { name: string; code?: unknown; frames?: string } {
  if (!(err instanceof Error)) return { name: typeof err };
  const frames = err.stack?.split('\n').slice(1, 8).join('\n');
  const code = (err as { code?: unknown }).code;
  return { name: err.name, ...(code !== undefined ? { code } : {}), ...(frames ? { frames } : {}) };
}

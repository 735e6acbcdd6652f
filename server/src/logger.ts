import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs in production, readable in development, quiet in tests. Redaction is a safety net
 * only: code must never pass health data or secrets to the logger in the first place.
 */
export function createLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}

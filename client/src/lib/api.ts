import type { z } from 'zod';
import { errorMessage, type ErrorCode } from '../../../shared/src/errors.js';
import { filenameFrom } from './download.js';

export type ApiErrorCode = ErrorCode | 'network';

export const NETWORK_ERROR_MESSAGE = 'Impossible de joindre le serveur. Vérifiez votre connexion.';

/** An error answered by the API (`{ error: { code, message, field?, retryAfter? } }`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number,
    readonly field?: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions<T> {
  body?: unknown;
  /** Parses the successful response (boundary check); without it the response is ignored. */
  schema?: z.ZodType<T>;
}

export const CSRF_COOKIE = 'escap_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('network', NETWORK_ERROR_MESSAGE, 0);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Builds the error of a failed response; tolerates bodies that are not ours (proxy pages). */
async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    payload = undefined;
  }
  const error = isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
  if (!error || typeof error.code !== 'string') {
    return new ApiError('internal_error', errorMessage('internal_error'), response.status);
  }
  const code = error.code as ErrorCode;
  const message = typeof error.message === 'string' ? error.message : errorMessage(code);
  const field = typeof error.field === 'string' && error.field !== '' ? error.field : undefined;
  const retryAfter = typeof error.retryAfter === 'number' ? error.retryAfter : undefined;
  return new ApiError(code, message, response.status, field, retryAfter);
}

/**
 * JSON request to the API on the same origin. Mutating requests carry the CSRF token of the
 * `escap_csrf` cookie; when the server rejects it (expired, or never issued in this tab),
 * `GET /api/session` re-issues the cookie and the request is retried once.
 */
export async function request<T = undefined>(
  method: Method,
  path: string,
  options: RequestOptions<T> = {},
): Promise<T> {
  let response = await send(method, path, options.body);
  if (!response.ok && method !== 'GET' && response.status === 403) {
    const error = await toApiError(response.clone());
    if (error.code === 'csrf_invalid') {
      await send('GET', '/api/session', undefined);
      response = await send(method, path, options.body);
    }
  }
  if (!response.ok) throw await toApiError(response);
  if (!options.schema) return undefined as T;

  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    throw new ApiError('internal_error', errorMessage('internal_error'), response.status);
  }
  const parsed = options.schema.safeParse(payload);
  if (!parsed.success) {
    throw new ApiError('internal_error', errorMessage('internal_error'), response.status);
  }
  return parsed.data;
}

/**
 * A file answered by the API (PDF, CSV) with the session cookie. A failure comes back as the
 * API's JSON error, so the page can say what went wrong instead of saving the error as a file.
 */
export async function fetchFile(path: string): Promise<{ blob: Blob; filename?: string }> {
  const response = await send('GET', path, undefined);
  if (!response.ok) throw await toApiError(response);
  const filename = filenameFrom(response.headers.get('Content-Disposition'));
  return { blob: await response.blob(), ...(filename ? { filename } : {}) };
}

export const UNEXPECTED_ERROR_MESSAGE = 'Une erreur inattendue est survenue. Veuillez réessayer.';

/** The French message to show for a failed request. */
export function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : UNEXPECTED_ERROR_MESSAGE;
}

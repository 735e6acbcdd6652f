import { z } from 'zod';
import {
  documentPaths,
  type DocumentKind,
  type DocumentView,
} from '../../../../shared/src/documents.js';
import { errorMessage, type ErrorCode } from '../../../../shared/src/errors.js';
import {
  ApiError,
  CSRF_COOKIE,
  CSRF_HEADER,
  NETWORK_ERROR_MESSAGE,
  request,
} from '../../lib/api.js';

/* Documents of a team (HTTP). Answers are typed by shared/src/documents.ts; outlines checked. */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const listAnswer = z.custom<{ documents: DocumentView[] }>(
  (v) => isRecord(v) && Array.isArray(v.documents),
);

export async function listDocuments(teamId: string): Promise<DocumentView[]> {
  return (await request('GET', documentPaths.list(teamId), { schema: listAnswer })).documents;
}

export function removeDocument(teamId: string, id: string): Promise<undefined> {
  return request('DELETE', `${documentPaths.list(teamId)}/${encodeURIComponent(id)}`);
}

export interface UploadFields {
  clientId: string;
  title?: string | undefined;
  kind?: DocumentKind | undefined;
  date?: string | undefined;
}

export interface UploadHandle {
  done: Promise<DocumentView>;
  abort(): void;
}

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === CSRF_COOKIE)
      return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * One file, sent with XMLHttpRequest because fetch reports no upload progress. The fields go
 * before the file (the server reads them first). The same `clientId` on a retry never stores
 * the file twice. A refused CSRF token is renewed once, as `request` does.
 */
export function uploadFile(
  teamId: string,
  file: File,
  fields: UploadFields,
  onProgress: (fraction: number) => void,
): UploadHandle {
  let current: XMLHttpRequest | null = null;
  let aborted = false;
  const once = () =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const form = new FormData();
      form.set('clientId', fields.clientId);
      if (fields.title) form.set('title', fields.title);
      if (fields.kind) form.set('kind', fields.kind);
      if (fields.date) form.set('date', fields.date);
      form.set('file', file, file.name);
      const xhr = new XMLHttpRequest();
      current = xhr;
      xhr.open('POST', documentPaths.list(teamId));
      xhr.responseType = 'json';
      xhr.setRequestHeader('Accept', 'application/json');
      const token = csrfToken();
      if (token) xhr.setRequestHeader(CSRF_HEADER, token);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.response as unknown });
      xhr.onerror = () => reject(new ApiError('network', NETWORK_ERROR_MESSAGE, 0));
      xhr.onabort = () => reject(new ApiError('network', 'Envoi annulé.', 0));
      xhr.send(form);
    });
  const done = (async () => {
    let answer = await once();
    if (answer.status === 403 && codeOf(answer.body) === 'csrf_invalid' && !aborted) {
      await request('GET', '/api/session');
      answer = await once();
    }
    if (answer.status >= 200 && answer.status < 300) {
      const body = answer.body;
      if (isRecord(body) && isRecord(body.document) && typeof body.document.id === 'string')
        return body.document as unknown as DocumentView;
      throw new ApiError('internal_error', errorMessage('internal_error'), answer.status);
    }
    const code = codeOf(answer.body) ?? 'internal_error';
    const error = isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : {};
    const message = typeof error.message === 'string' ? error.message : errorMessage(code);
    throw new ApiError(code, message, answer.status);
  })();
  return {
    done,
    abort: () => {
      aborted = true;
      current?.abort();
    },
  };
}

function codeOf(body: unknown): ErrorCode | undefined {
  if (!isRecord(body) || !isRecord(body.error) || typeof body.error.code !== 'string')
    return undefined;
  return body.error.code as ErrorCode;
}

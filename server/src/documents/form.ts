import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../http/errors.js';

export interface FormFile {
  stream: Readable;
  /** As the browser sent it; only ever used for the download's name and the type check. */
  fileName: string;
  /** The request's Content-Length (the file and its form), or undefined when chunked. */
  declaredBytes: number | undefined;
}

/** Text fields of an upload form, each short (title, kind, date, client id). */
const FIELD_BYTES = 1024;
const MAX_FIELDS = 8;

/**
 * Reads one multipart/form-data upload as it arrives (busboy): the text fields first, then
 * exactly one file part named `file`, handed to `onFile` as a stream while its bytes still
 * arrive; nothing here holds the file. Anything else (a second file, fields after the file,
 * oversized fields) is `upload_invalid`; a request cut before its end is `upload_incomplete`,
 * which destroys the file stream so that `onFile` fails and cleans up. The promise settles
 * only once `onFile` has settled, so an error is answered after what it wrote was deleted, and
 * a success only once the whole body was read (the closing boundary included): answering
 * before that would make Node close the keep-alive connection the client is about to reuse.
 */
export function readUpload<T>(
  req: Request,
  maxFileBytes: number,
  onFile: (fields: Record<string, string>, file: FormFile) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fields: MAX_FIELDS,
          fieldSize: FIELD_BYTES,
          files: 1,
          parts: MAX_FIELDS + 1,
          // One byte more than allowed, so that the size check downstream sees the excess.
          fileSize: maxFileBytes + 1,
        },
      });
    } catch {
      reject(new AppError('upload_invalid'));
      return;
    }
    const fields: Record<string, string> = {};
    let file: Readable | undefined;
    let running: Promise<T> | undefined;
    let settled = false;
    let parsed = false;
    let result: { value: T } | undefined;
    const succeed = () => {
      if (settled || !parsed || !result) return;
      settled = true;
      resolve(result.value);
    };

    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      if (file && !file.destroyed) file.destroy(err);
      // Stop parsing; what the client still sends is read and dropped.
      req.unpipe(parser);
      req.resume();
      void (running ?? Promise.resolve()).catch(() => undefined).finally(() => reject(err));
    };

    parser.on('field', (name, value, info) => {
      if (file || info.nameTruncated || info.valueTruncated) {
        fail(new AppError('upload_invalid'));
        return;
      }
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (file || name !== 'file') {
        stream.resume();
        fail(new AppError('upload_invalid'));
        return;
      }
      file = stream;
      const declared = Number(req.headers['content-length']);
      running = onFile(fields, {
        stream,
        fileName: info.filename ?? '',
        declaredBytes: Number.isFinite(declared) && declared > 0 ? declared : undefined,
      });
      running.then(
        (value) => {
          result = { value };
          succeed();
        },
        (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
      );
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const)
      parser.on(limit, () => fail(new AppError('upload_invalid')));
    parser.on('error', () => fail(new AppError('upload_incomplete')));
    parser.on('close', () => {
      parsed = true;
      if (!file) fail(new AppError('upload_invalid'));
      else succeed();
    });
    req.on('close', () => {
      if (!req.complete) fail(new AppError('upload_incomplete'));
    });
    req.pipe(parser);
  });
}

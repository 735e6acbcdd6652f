import type { Types } from 'mongoose';
import { isImageMime, type DocumentMime } from '../../../shared/src/documents.js';
import { AppError } from '../http/errors.js';
import type { ClamScanner, ScanSession, Verdict } from './clamav.js';
import type { FormFile } from './form.js';
import { ByteBudget, reencode } from './images.js';
import { inspect, storedFileName } from './sniff.js';
import type { FileStore, StoredFile } from './storage.js';

/** What an upload left in GridFS (`pending` until its command files it). */
export interface Received {
  mime: string;
  fileName: string;
  main: StoredFile;
  thumbnail: StoredFile | null;
  width: number | null;
  height: number | null;
}

export interface ReceiveSettings {
  maxBytes: number;
  types: readonly DocumentMime[];
}

/** Told when the scan flagged an upload (what was kept in quarantine). */
export type QuarantineHook = (fileId: Types.ObjectId, signature: string) => Promise<void>;

/** Per instance: image bytes gathered at once (measured with `npm run bench:files`). */
const IMAGE_BUDGET_BYTES = 48 * 1024 * 1024;
const budget = new ByteBudget(IMAGE_BUDGET_BYTES);

/**
 * From the request's file stream to GridFS: type read from the first bytes (sniff.ts), size
 * counted as bytes arrive, every byte streamed to clamd when a scanner is set (clamav.ts),
 * then either
 * - a PDF: streamed into GridFS as it arrives, chunk by chunk, never whole in memory; or
 * - an image: gathered (libvips needs the whole file to decode it; at most the size limit),
 *   re-encoded upright without metadata, with a thumbnail (images.ts), both written to GridFS.
 * A failure anywhere, the client's included, deletes whatever was written before it is
 * rethrown. A flagged file is kept in quarantine (never served) and refused (`file_infected`).
 */
export async function receive(
  file: FormFile,
  teamId: Types.ObjectId,
  deps: {
    files: FileStore;
    settings: ReceiveSettings;
    scanner: ClamScanner | undefined;
    quarantined: QuarantineHook;
  },
): Promise<Received> {
  const { files, settings } = deps;
  const scan: ScanSession | undefined = deps.scanner?.start();
  const written: Types.ObjectId[] = [];
  const verdict = async (): Promise<Verdict> => (scan ? scan.finish() : { infected: false });
  try {
    const { mime, body } = await inspect(file.stream, {
      fileName: file.fileName,
      allowed: settings.types,
      maxBytes: settings.maxBytes,
      tap: scan ? (chunk) => scan.write(chunk) : undefined,
    });

    if (!isImageMime(mime)) {
      const fileName = storedFileName(file.fileName, 'pdf');
      const main = await files.put(body, { filename: fileName, mime, teamId });
      written.push(main.id);
      const v = await verdict();
      if (v.infected) return await quarantine(main.id, v.signature);
      return { mime, fileName, main, thumbnail: null, width: null, height: null };
    }

    const release = await budget.reserve(
      Math.min(file.declaredBytes ?? settings.maxBytes, settings.maxBytes),
    );
    try {
      return await image(mime, body);
    } finally {
      release();
    }
  } catch (err) {
    scan?.abort();
    if (!(err instanceof QuarantineError)) await files.delete(written).catch(() => undefined);
    throw err instanceof QuarantineError ? new AppError('file_infected') : err;
  }

  async function image(mime: DocumentMime, body: AsyncIterable<Buffer>): Promise<Received> {
    const parts: Buffer[] = [];
    for await (const chunk of body) parts.push(chunk);
    const original = Buffer.concat(parts);
    parts.length = 0;
    const v = await verdict();
    if (v.infected) {
      // The bytes that were flagged, kept as sent (they are never decoded nor served).
      const kept = await files.put([original], { filename: 'quarantine', mime, teamId });
      written.push(kept.id);
      return await quarantine(kept.id, v.signature);
    }
    const image = await reencode(original, mime);
    const fileName = storedFileName(file.fileName, image.ext);
    const main = await files.put([image.data], { filename: fileName, mime: image.mime, teamId });
    written.push(main.id);
    const thumbnail = await files.put([image.thumbnail], {
      filename: `thumbnail-${fileName}`,
      mime: 'image/webp',
      teamId,
    });
    written.push(thumbnail.id);
    return {
      mime: image.mime,
      fileName,
      main,
      thumbnail,
      width: image.width,
      height: image.height,
    };
  }

  async function quarantine(id: Types.ObjectId, signature: string): Promise<never> {
    await files.quarantine([id], signature);
    await deps.quarantined(id, signature);
    throw new QuarantineError();
  }
}

class QuarantineError extends Error {}

import {
  DOCUMENT_LIMITS,
  EXTENSIONS,
  formatBytes,
  type DocumentMime,
} from '../../../shared/src/documents.js';
import { AppError } from '../http/errors.js';

/** file-type decides from at most this many bytes at the start of a file. */
const HEAD_BYTES = 4100;

export interface Inspected {
  /** The type read from the bytes. */
  mime: DocumentMime;
  /** Every byte of the upload, the inspected head first, counted against the size limit. */
  body: AsyncIterable<Buffer>;
}

export const tooLarge = (maxBytes: number) =>
  new AppError('file_too_large', {
    message: `Ce fichier est trop volumineux : ${formatBytes(maxBytes)} au plus.`,
  });

/**
 * Reads the start of an upload and decides its type from the bytes alone (file-type), never
 * from its name or what the browser says: a type outside `allowed` is refused
 * (`file_type_refused`), and so is a name whose extension says another type
 * (`file_type_mismatch`: a PDF named `.jpg`). The rest is streamed on as it arrives; passing
 * `maxBytes` fails the stream (`file_too_large`), and `tap` sees every chunk (the virus scan).
 */
export async function inspect(
  source: AsyncIterable<Buffer>,
  opts: {
    fileName: string;
    allowed: readonly DocumentMime[];
    maxBytes: number;
    tap?: ((chunk: Buffer) => Promise<void>) | undefined;
  },
): Promise<Inspected> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
    if (headBytes > opts.maxBytes) throw tooLarge(opts.maxBytes);
  }
  // Loaded at the first upload, not at start (docs/notes.md, "Memory").
  const { fileTypeFromBuffer, supportedExtensions } = await import('file-type');
  const type = headBytes > 0 ? await fileTypeFromBuffer(Buffer.concat(head)) : undefined;
  const mime = type?.mime as DocumentMime | undefined;
  if (!mime || !opts.allowed.includes(mime)) {
    await iterator.return?.();
    throw new AppError('file_type_refused');
  }
  const ext = extensionOf(opts.fileName);
  if (ext && !EXTENSIONS[mime].includes(ext) && isKnownExtension(ext, supportedExtensions)) {
    await iterator.return?.();
    throw new AppError('file_type_mismatch');
  }

  async function* body(): AsyncGenerator<Buffer> {
    let total = 0;
    const pass = async (chunk: Buffer) => {
      total += chunk.length;
      if (total > opts.maxBytes) throw tooLarge(opts.maxBytes);
      await opts.tap?.(chunk);
      return chunk;
    };
    try {
      for (const chunk of head) yield await pass(chunk);
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield await pass(next.value);
      }
    } finally {
      // Stopped early (a failure downstream): let go of the source.
      await iterator.return?.();
    }
  }
  return { mime, body: body() };
}

/** The lower-case extension of a file name, or undefined when it has none. */
export function extensionOf(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return base.slice(dot + 1).toLowerCase();
}

/**
 * Only an extension that names a file type counts against the bytes: "compte.rendu.2024" is a
 * name with a dot, not a claim about its contents.
 */
function isKnownExtension(ext: string, supported: ReadonlySet<string>): boolean {
  return supported.has(ext) || COMMON.has(ext);
}
const COMMON = new Set(['jpg', 'jpeg', 'jfif', 'heic', 'heif', 'html', 'htm', 'svg', 'txt', 'js']);

/**
 * The name a download gets: the one sent, without folders or control characters, shortened,
 * with the extension of what is stored (a PNG re-encoded as WebP is named `.webp`).
 */
export function storedFileName(sent: string, ext: string): string {
  const base = (sent.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .trim();
  const dot = base.lastIndexOf('.');
  const stem = (dot > 0 ? base.slice(0, dot) : base).slice(0, DOCUMENT_LIMITS.fileNameMax - 6);
  return `${stem || 'document'}.${ext}`;
}

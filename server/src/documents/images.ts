import { availableParallelism } from 'node:os';
import type SharpModule from 'sharp';
import { DOCUMENT_LIMITS, type DocumentMime } from '../../../shared/src/documents.js';
import { AppError } from '../http/errors.js';

let loading: Promise<typeof SharpModule> | undefined;
/**
 * sharp (and libvips, about 25 MB resident) is loaded at the first image, not at start: an
 * instance that never receives a photo never pays for it (docs/notes.md, "Memory").
 */
function loadSharp(): Promise<typeof SharpModule> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // No libvips operation cache: every image is seen once, and a cache only holds memory.
    sharp.cache(false);
    return sharp;
  });
  return loading;
}

/** Larger images are refused as unreadable (a decompression bomb costs no more than this). */
const MAX_PIXELS = 100_000_000;

export interface Reencoded {
  data: Buffer;
  mime: 'image/jpeg' | 'image/webp';
  ext: 'jpg' | 'webp';
  width: number;
  height: number;
  thumbnail: Buffer;
}

/**
 * At most this many images are decoded at once on an instance: decoding is CPU-bound and a
 * decoded photo takes width × height × 3 bytes (36 MB for 12 megapixels), so twenty uploads at
 * once wait here rather than all decode together.
 */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
const slots = new Slots(Math.max(1, availableParallelism()));

/**
 * Bytes of image uploads this instance holds in memory at once (libvips decodes a whole file,
 * so an image is gathered before it is decoded). An upload reserves what its request declares
 * (the size limit without a Content-Length) before reading past its first bytes; beyond the
 * budget it waits, and its client with it (TCP backpressure), so a burst of uploads costs this
 * much memory rather than the sum of all of them. Reservations are all-or-nothing and served in
 * order, so uploads waiting for each other cannot deadlock.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];
  constructor(readonly capacity: number) {}

  async reserve(bytes: number): Promise<() => void> {
    const size = Math.min(bytes, this.capacity);
    if (this.waiting.length > 0 || this.used + size > this.capacity)
      await new Promise<void>((go) => this.waiting.push({ bytes: size, go }));
    else this.used += size;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= size;
      while (this.waiting.length > 0 && this.used + this.waiting[0]!.bytes <= this.capacity) {
        const next = this.waiting.shift()!;
        this.used += next.bytes;
        next.go();
      }
    };
  }
}

/**
 * Re-encodes an uploaded image (sharp): turned upright from its EXIF orientation, every piece
 * of metadata dropped (EXIF, GPS, XMP, IPTC: sharp keeps none unless asked), as JPEG (photos,
 * HEIC) or WebP (PNG and WebP, which may have transparency), with a WebP thumbnail. What is
 * served is then always an image this server wrote, never the bytes that were sent.
 *
 * HEIC/HEIF: sharp's prebuilt libvips decodes AVIF but not HEVC (patents), so on such a build a
 * HEIC photo is refused with `heic_unsupported` (docs/documents.md); a libvips built with an
 * HEVC decoder converts it like any photo.
 */
export function reencode(input: Buffer, mime: DocumentMime): Promise<Reencoded> {
  return slots.run(async () => {
    const heic = mime === 'image/heic' || mime === 'image/heif';
    const sharp = await loadSharp();
    try {
      const source = () =>
        sharp(input, {
          limitInputPixels: MAX_PIXELS,
          failOn: 'error',
          // Top to bottom where libvips can (an upright photo): no random access to keep.
          sequentialRead: true,
        }).rotate();
      const webp = mime === 'image/png' || mime === 'image/webp';
      const main = webp
        ? source().webp({ quality: 90 })
        : source().flatten({ background: '#ffffff' }).jpeg({ quality: 85 });
      const { data, info } = await main.toBuffer({ resolveWithObject: true });
      const px = DOCUMENT_LIMITS.thumbnailPx;
      const thumbnail = await sharp(data)
        .resize(px, px, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 75 })
        .toBuffer();
      return {
        data,
        mime: webp ? 'image/webp' : 'image/jpeg',
        ext: webp ? 'webp' : 'jpg',
        width: info.width,
        height: info.height,
        thumbnail,
      };
    } catch {
      throw new AppError(heic ? 'heic_unsupported' : 'image_unreadable');
    }
  });
}

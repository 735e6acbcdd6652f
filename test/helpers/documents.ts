import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { DocumentView } from '../../shared/src/documents.js';
import type { Pro } from '../teamFactories.js';
import type { HttpResult } from './http.js';

export interface UploadFile {
  bytes: Buffer;
  name: string;
  /** What the browser would claim; the server never trusts it. */
  type?: string;
}

export type UploadFieldsInput = Partial<Record<'clientId' | 'title' | 'kind' | 'date', string>>;

/** A multipart upload as the client sends it (fields first, then the file), with session and CSRF. */
export async function upload(
  pro: Pro,
  teamId: string,
  file: UploadFile,
  fields: UploadFieldsInput = {},
  opts: { csrf?: boolean; session?: boolean } = {},
): Promise<HttpResult<{ document: DocumentView }>> {
  const form = new FormData();
  form.set('clientId', fields.clientId ?? randomUUID());
  for (const key of ['title', 'kind', 'date'] as const) {
    const value = fields[key];
    if (value !== undefined) form.set(key, value);
  }
  form.set(
    'file',
    new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }),
    file.name,
  );
  const headers: Record<string, string> = {};
  if (opts.session !== false) headers.cookie = pro.agent.cookieHeader();
  const csrf = pro.agent.cookies.get('escap_csrf');
  if (opts.csrf !== false && csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
  const res = await fetch(`${pro.agent.baseUrl}/api/teams/${teamId}/documents`, {
    method: 'POST',
    headers,
    body: form,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: body as { document: DocumentView }, headers: res.headers };
}

/** Downloads bytes with the professional's session (or none). */
export async function fetchBytes(
  pro: Pro | undefined,
  baseUrl: string,
  path: string,
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(baseUrl + path, {
    headers: pro ? { cookie: pro.agent.cookieHeader() } : {},
  });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/**
 * A real JPEG photo made here, with EXIF that a phone would write: GPS coordinates and an
 * orientation (6: the camera was turned; the picture must be shown rotated by 90°).
 */
export async function photoWithGps(width = 64, height = 32): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 80, b: 60 } },
  })
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'TestPhone', Model: 'Camera' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 24/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 7/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function png(width = 20, height = 20): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: 0, g: 120, b: 255, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
}

/** A small valid PDF, padded with a comment to `size` bytes when asked (several GridFS chunks). */
export function pdf(size = 0, extra = ''): Buffer {
  const body =
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
    '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    `%${extra}\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
  const head = Buffer.from(body);
  if (size <= head.length) return head;
  return Buffer.concat([head, Buffer.from(`%${'x'.repeat(size - head.length - 2)}\n`)]);
}

/** The EICAR test string every antivirus reports (harmless by design). */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/**
 * Whether bytes hold an EXIF pointer to a GPS directory (tag 0x8825, in either byte order):
 * what a photo with a location carries.
 */
export function hasGpsIfd(bytes: Buffer | undefined): boolean {
  if (!bytes) return false;
  return bytes.includes(Buffer.from([0x88, 0x25])) || bytes.includes(Buffer.from([0x25, 0x88]));
}

// Writes the app's PNG icons (client/public/icons/) with node:zlib only: a white "E" on the
// primary blue of client/src/app.css. Run by hand after changing the design, and commit the
// files: `node scripts/icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../client/public/icons/', import.meta.url);
const BLUE = [0x0b, 0x5c, 0xad];
const WHITE = [0xff, 0xff, 0xff];
// Each pixel is sampled SS×SS times: smooth rounded corners without a drawing library.
const SS = 4;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG of `size`×`size` from `pixel(x, y) → [r, g, b, a]` (x, y in 0..1). */
function png(size, pixel) {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const [r, g, b, a] = pixel((x + (sx + 0.5) / SS) / size, (y + (sy + 0.5) / SS) / size);
          acc[0] += r * a;
          acc[1] += g * a;
          acc[2] += b * a;
          acc[3] += a;
        }
      const alpha = acc[3] / (SS * SS);
      const at = row + 1 + x * 4;
      for (let i = 0; i < 3; i++) rows[at + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
      rows[at + 3] = Math.round(alpha * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Inside a square of side 1 centred on 0.5 with corners of radius `r`. */
function inRoundedSquare(x, y, r) {
  const dx = Math.max(r - x, x - (1 - r), 0);
  const dy = Math.max(r - y, y - (1 - r), 0);
  return dx * dx + dy * dy <= r * r;
}

/** The letter E in a box of `scale` (fraction of the icon) centred on the icon. */
function inLetter(x, y, scale) {
  const u = (x - 0.5) / scale + 0.5;
  const v = (y - 0.5) / scale + 0.5;
  if (u < 0.2 || u > 0.8 || v < 0.1 || v > 0.9) return false;
  if (u < 0.38) return true; // the stem
  const bar = 0.16;
  if (v < 0.1 + bar) return true; // top
  if (v > 0.9 - bar) return true; // bottom
  return Math.abs(v - 0.5) < bar / 2 && u < 0.72; // middle, a little shorter
}

const rgba = (rgb, a = 1) => [...rgb, a];

/** The "any" icon: a rounded tile, transparent corners. */
const anyIcon = (x, y) =>
  !inRoundedSquare(x, y, 0.18) ? [0, 0, 0, 0] : inLetter(x, y, 0.62) ? rgba(WHITE) : rgba(BLUE);
/** Maskable: full bleed, the letter inside the 80 % safe circle. */
const maskableIcon = (x, y) => (inLetter(x, y, 0.44) ? rgba(WHITE) : rgba(BLUE));

mkdirSync(OUT, { recursive: true });
const files = {
  'icon-192.png': png(192, anyIcon),
  'icon-512.png': png(512, anyIcon),
  'icon-maskable-512.png': png(512, maskableIcon),
  // iOS rounds the corners itself and shows transparency as black: opaque, full bleed.
  'apple-touch-icon.png': png(180, (x, y) => (inLetter(x, y, 0.56) ? rgba(WHITE) : rgba(BLUE))),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(new URL(name, OUT), data);
  console.log(`client/public/icons/${name} (${data.length} bytes)`);
}

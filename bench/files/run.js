// `npm run bench:files`: photos uploaded at once to one server (the real app, bundled by
// scripts/build-server.mjs --bench and seeded like the other benchmarks' escap peer).
//
// --uploads (20) members of one team each send one --size-mb (5) MB JPEG photo (12 MP, made
// here with sharp: a gradient with noise, so it compresses like a photo), all at the same
// moment, through the real route: multipart, type sniffing, size limit, sharp re-encoding and
// thumbnail, GridFS, the filing command. Measured:
//   - the server's peak memory (the Node process: VmHWM, and RSS sampled every 20 ms; the
//     embedded database runs in processes of its own, reported apart);
//   - throughput: megabytes sent / wall time from the first upload to the last answer;
//   - per upload: time to its answer, and time to its thumbnail (answer, then the thumbnail
//     fetched with the member's session until it is served).
// --rounds (1) repeats the burst on the same server.
//
// node bench/files/run.js [--uploads 20] [--size-mb 5] [--rounds 1]
// MONGODB_URI selects a real MongoDB; else the server's embedded choice (jongodb here, whose
// writes slow down as collections grow: figures on it measure the stand-in).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { SERVER_NODE_FLAGS } from '../../scripts/node-flags.mjs';
import { summarize } from '../lib/stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    uploads: { type: 'string', default: '20' },
    'size-mb': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '1' },
    /** `photo` (default) or `pdf`: the same size of PDF, streamed to GridFS without sharp. */
    kind: { type: 'string', default: 'photo' },
  },
});
const UPLOADS = Number(opt.uploads);
const SIZE = Number(opt['size-mb']) * 1024 * 1024;
const ROUNDS = Number(opt.rounds);

/** A 4000 x 3000 JPEG near the target size: noise is what makes a photo weigh. */
async function photo() {
  const w = 4000;
  const h = 3000;
  let best;
  for (const amp of [30, 40, 50, 60, 75]) {
    const raw = Buffer.alloc(w * h * 3);
    let s = 7;
    for (let i = 0; i < w * h; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = ((s >>> 16) % (2 * amp)) - amp;
      const x = i % w;
      const y = (i / w) | 0;
      raw[i * 3] = Math.max(0, Math.min(255, (x * 255) / w + n));
      raw[i * 3 + 1] = Math.max(0, Math.min(255, (y * 255) / h + n));
      raw[i * 3 + 2] = Math.max(0, Math.min(255, 128 + n));
    }
    best = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 88 })
      .toBuffer();
    if (best.length >= SIZE * 0.95) break;
  }
  return best;
}

/** A valid PDF padded to the size with a comment. */
function pdf() {
  const head = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n',
  );
  return Buffer.concat([head, Buffer.alloc(SIZE - head.length - 6, 0x25), Buffer.from('%%EOF\n')]);
}

function startServer(roster) {
  const dir = mkdtempSync(path.join(tmpdir(), 'escap-files-bench-'));
  const seedFile = path.join(dir, 'seed.json');
  const port = 4700 + Math.floor(Math.random() * 1000);
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, path.join(here, '..', '.build', 'escap-server.mjs')],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'silent',
        BENCH_ROSTER: JSON.stringify(roster),
        BENCH_SEED_FILE: seedFile,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('READY'))
        resolve({ child, port, seed: JSON.parse(readFileSync(seedFile, 'utf8')) });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before READY`)));
  });
}

const kb = (line) => Number(/(\d+)\s*kB/.exec(line)?.[1] ?? 0);
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n');
  const field = (name) => kb(status.find((l) => l.startsWith(`${name}:`)) ?? '');
  return { rssMb: field('VmRSS') / 1024, hwmMb: field('VmHWM') / 1024 };
}
function childrenRssMb(pid) {
  let total = 0;
  const walk = (p) => {
    let kids = [];
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/);
    } catch {
      return;
    }
    for (const k of kids.filter(Boolean)) {
      try {
        total += memoryOf(k).rssMb;
      } catch {
        // gone
      }
      walk(k);
    }
  };
  walk(pid);
  return total;
}

async function csrfFor(base, cookie) {
  const res = await fetch(`${base}/api/session`, { headers: { cookie } });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('escap_csrf='));
  const value = set.split(';')[0].slice('escap_csrf='.length);
  return { cookie: `${cookie}; escap_csrf=${value}`, token: decodeURIComponent(value) };
}

async function uploadOne(base, teamId, member, bytes, n) {
  const t0 = performance.now();
  const form = new FormData();
  form.set('clientId', `bench-${process.pid}-${n}`);
  form.set('file', new Blob([bytes]), PDF ? `cr-${n}.pdf` : `photo-${n}.jpg`);
  let res;
  try {
    res = await fetch(`${base}/api/teams/${teamId}/documents`, {
      method: 'POST',
      headers: { cookie: member.cookie, 'x-csrf-token': member.token },
      body: form,
    });
  } catch (err) {
    return {
      ok: false,
      status: 0,
      code: String(err.cause?.message ?? err),
      afterMs: Math.round(performance.now() - t0),
    };
  }
  const body = await res.json();
  const answeredMs = performance.now() - t0;
  if (res.status !== 201) return { ok: false, status: res.status, code: body?.error?.code };
  let thumbMs = NaN;
  for (let tries = 0; tries < (PDF ? 0 : 50); tries++) {
    let thumb;
    try {
      thumb = await fetch(`${base}/api/teams/${teamId}/documents/${body.document.id}/thumbnail`, {
        headers: { cookie: member.cookie },
      });
      await thumb.arrayBuffer();
    } catch (err) {
      console.log('thumbnail fetch failed', String(err.cause?.message ?? err));
      continue;
    }
    if (thumb.status === 200) {
      thumbMs = performance.now() - t0;
      break;
    }
  }
  return { ok: true, answeredMs, thumbMs, stored: body.document.size };
}

const PDF = opt.kind === 'pdf';
const bytes = PDF ? pdf() : await photo();
const meta = PDF ? { width: '-', height: '-' } : await sharp(bytes).metadata();
console.log(
  `${PDF ? 'pdf' : 'photo'}: ${(bytes.length / 1048576).toFixed(2)} MB, ${meta.width} x ${meta.height}; ` +
    `${UPLOADS} uploads at once x ${ROUNDS} round(s)`,
);
const { child, port, seed } = await startServer([{ docName: 'files', clients: UPLOADS }]);
const base = `http://127.0.0.1:${port}`;
try {
  const { teamId, cookies } = seed.docs.files;
  const members = await Promise.all(cookies.map((c) => csrfFor(base, c)));
  const idle = memoryOf(child.pid);
  const dbIdle = childrenRssMb(child.pid);
  console.log(
    `engine: ${seed.engine}; server RSS at rest ${idle.rssMb.toFixed(0)} MB (database processes ${dbIdle.toFixed(0)} MB)`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    let peakRss = 0;
    let peakDb = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, memoryOf(child.pid).rssMb);
      peakDb = Math.max(peakDb, childrenRssMb(child.pid));
    }, 20);
    const t0 = performance.now();
    const results = await Promise.all(
      members.map((m, i) => uploadOne(base, teamId, m, bytes, round * UPLOADS + i)),
    );
    const wallS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    const answered = summarize(ok.map((r) => r.answeredMs));
    const thumbs = summarize(ok.map((r) => r.thumbMs).filter((x) => !Number.isNaN(x)));
    const mem = memoryOf(child.pid);
    const sentMb = (ok.length * bytes.length) / 1048576;
    console.log(`\nround ${round + 1}: ${ok.length} stored, ${failed.length} refused`);
    if (failed.length) console.log('  refused:', JSON.stringify(failed));
    console.log(`  wall time        ${wallS.toFixed(2)} s`);
    console.log(
      `  throughput       ${(sentMb / wallS).toFixed(2)} MB/s (${sentMb.toFixed(0)} MB sent), ${(ok.length / wallS).toFixed(2)} photos/s`,
    );
    console.log(
      `  answer           p50 ${(answered.p50 / 1000).toFixed(2)} s, p95 ${(answered.p95 / 1000).toFixed(2)} s, max ${(answered.max / 1000).toFixed(2)} s`,
    );
    console.log(
      `  thumbnail        p50 ${(thumbs.p50 / 1000).toFixed(2)} s, p95 ${(thumbs.p95 / 1000).toFixed(2)} s, max ${(thumbs.max / 1000).toFixed(2)} s`,
    );
    console.log(
      `  stored photo     ${(ok[0]?.stored / 1048576).toFixed(2)} MB (re-encoded JPEG q85)`,
    );
    console.log(
      `  server memory    peak RSS sampled ${peakRss.toFixed(0)} MB, VmHWM ${mem.hwmMb.toFixed(0)} MB, after ${mem.rssMb.toFixed(0)} MB`,
    );
    console.log(`  database procs   peak RSS ${peakDb.toFixed(0)} MB`);
  }
} finally {
  child.kill('SIGTERM');
}

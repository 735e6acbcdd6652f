// Builds the W3 document: `edits` small edits (90% inserts of 1-8 chars at random positions,
// 10% deletes of 1-3 chars) by 8 authors who take turns in runs of 50 edits and see each
// other's earlier edits. Deterministic PRNG. Writes two files (cached on disk):
//   bench/fixtures/w3-<edits>.bin      merged state (one Yjs update)
//   bench/fixtures/w3-<edits>.updates  the individual edit updates, [u32le length][bytes]*, causal order
import * as Y from 'yjs';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function readUpdates(file) {
  const buf = readFileSync(file);
  const out = [];
  for (let o = 0; o < buf.length;) {
    const n = buf.readUInt32LE(o);
    out.push(buf.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

export function buildFixture(edits, dir = DEFAULT_DIR) {
  const file = `${dir}/w3-${edits}.bin`;
  const updatesFile = `${dir}/w3-${edits}.updates`;
  if (existsSync(file) && existsSync(updatesFile)) {
    const update = readFileSync(file);
    const d = new Y.Doc();
    Y.applyUpdate(d, update);
    return { file, updatesFile, bytes: update.length, length: d.getText('t').length, edits };
  }
  mkdirSync(dir, { recursive: true });
  const rnd = prng(42);
  const chars = 'abcdefghijklmnopqrstuvwxyz ';
  const updates = [];
  const authors = Array.from({ length: 8 }, (_, i) => {
    const d = new Y.Doc();
    d.clientID = 1000 + i;
    d.on('update', (u, origin) => {
      if (origin !== 'sync') updates.push(u);
    });
    return { d, seen: 0 };
  });
  for (let e = 0; e < edits; e++) {
    const a = authors[Math.floor(e / 50) % authors.length];
    if (e % 50 === 0) {
      for (; a.seen < updates.length; a.seen++) Y.applyUpdate(a.d, updates[a.seen], 'sync');
    }
    const t = a.d.getText('t');
    if (t.length > 10 && rnd() < 0.1) {
      t.delete(Math.floor(rnd() * (t.length - 3)), 1 + Math.floor(rnd() * 3));
    } else {
      let s = '';
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) s += chars[Math.floor(rnd() * chars.length)];
      t.insert(Math.floor(rnd() * (t.length + 1)), s);
    }
    a.seen = updates.length;
  }
  const final = new Y.Doc();
  for (const u of updates) Y.applyUpdate(final, u);
  const update = Y.encodeStateAsUpdate(final);
  writeFileSync(file, update);
  const parts = [];
  for (const u of updates) {
    const h = Buffer.alloc(4);
    h.writeUInt32LE(u.length);
    parts.push(h, u);
  }
  writeFileSync(updatesFile, Buffer.concat(parts));
  return {
    file,
    updatesFile,
    bytes: update.length,
    length: final.getText('t').length,
    edits: updates.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  console.log(
    buildFixture(Number(process.argv[2] || 50000)),
    `${(performance.now() - t0).toFixed(0)} ms`,
  );
}

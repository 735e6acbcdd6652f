// Client worker process: hosts many simulated clients of one peer. Driven over IPC by bench.js.
// Adapted from the yjsbench harness (see bench/README.md): clients get a `slot` (their place in
// their document's roster, for peers whose clients sign in), and W3 has a 'stored' seed mode.
// Timestamps are process.hrtime.bigint() (CLOCK_MONOTONIC), comparable across processes on one host.
import * as Y from 'yjs';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { readUpdates } from './fixture.js';

let peer = null;
let host = '127.0.0.1';
let port = 0;
let rawSize = 64;
const clients = new Map(); // id -> { edit(token), destroy() }
let lat = []; // latency samples in ms
let at = []; // send time of each sample, ms on the monotonic clock
let received = 0;
let sent = 0;
const holders = []; // W3 seed clients kept alive

const TOKEN_RE = /<(\d+):(\d+):(\d+)>/g;

function recordTokens(str, now) {
  TOKEN_RE.lastIndex = 0;
  let m;
  while ((m = TOKEN_RE.exec(str)) !== null) {
    const ts = BigInt(m[3]);
    lat.push(Number(now - ts) / 1e6);
    at.push(Number(ts / 1000000n));
    received++;
  }
}

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_resolve, reject) => {
      t = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
    }),
  ]);
}

function makeClient(id, docName, slot) {
  if (peer.kind === 'raw') {
    const c = peer.createClient({ host, port, docName });
    c.onMessage((data) => {
      if (data[0] !== 0) return;
      const now = process.hrtime.bigint();
      const end = data.indexOf(62 /* '>' */);
      recordTokens(data.toString('latin1', 1, end + 1), now);
    });
    return {
      synced: c.synced,
      edit(token) {
        const buf = Buffer.alloc(Math.max(rawSize, token.length + 1));
        buf[0] = 0;
        buf.write(token, 1, 'latin1');
        c.send(buf);
      },
      destroy: () => c.destroy(),
    };
  }
  const doc = new Y.Doc();
  const text = doc.getText('t');
  text.observe((ev, tr) => {
    if (tr.local) return;
    const now = process.hrtime.bigint();
    for (const d of ev.delta) if (typeof d.insert === 'string') recordTokens(d.insert, now);
  });
  const c = peer.createClient({ host, port, docName, doc, slot });
  return {
    synced: c.synced,
    edit(token) {
      text.insert(text.length, token);
    },
    destroy() {
      c.destroy();
      doc.destroy();
    },
  };
}

async function connect({ list, concurrency, timeoutMs }) {
  const t0 = performance.now();
  let failed = 0;
  for (let i = 0; i < list.length; i += concurrency) {
    const batch = list.slice(i, i + concurrency);
    await Promise.all(
      batch.map(async ({ id, docName, slot }) => {
        const c = makeClient(id, docName, slot);
        clients.set(id, c);
        try {
          await withTimeout(c.synced, timeoutMs, `sync of client ${id}`);
        } catch {
          failed++;
        }
      }),
    );
  }
  return { connected: list.length - failed, failed, ms: performance.now() - t0 };
}

function type({ id, intervalMs, count }) {
  const c = clients.get(id);
  return new Promise((resolve) => {
    let seq = 0;
    const start = performance.now();
    const tick = () => {
      const ts = process.hrtime.bigint();
      c.edit(`<${id}:${seq++}:${ts}>`);
      sent++;
      if (seq < count) setTimeout(tick, Math.max(0, start + seq * intervalMs - performance.now()));
      else resolve({ sent: seq, ms: performance.now() - start });
    };
    tick();
  });
}

// W2: every local client edits `count` times, every `periodMs`, with a random phase.
function editLoop({ periodMs, count }) {
  const start = performance.now();
  return Promise.all(
    [...clients.entries()].map(
      ([id, c]) =>
        new Promise((resolve) => {
          const phase = Math.random() * periodMs;
          let seq = 0;
          const tick = () => {
            c.edit(`<${id}:${seq++}:${process.hrtime.bigint()}>`);
            sent++;
            if (seq < count)
              setTimeout(tick, Math.max(0, start + phase + seq * periodMs - performance.now()));
            else resolve();
          };
          setTimeout(tick, phase);
        }),
    ),
  ).then(() => ({ ms: performance.now() - start }));
}

// W3 seed: a holder client that stays connected (hocuspocus unloads a document when its last
// connection closes). mode 'replay' connects first and then sends every recorded edit as its
// own update (the server applies 50k small updates); mode 'snapshot' syncs the merged state in
// one sync-step-2 message; mode 'stored' means the server stored the edits in its database
// before it started (peers with server.storedSeed): the holder then connects with an empty doc,
// and its sync is the load from the database. The raw floor always stores the merged state as
// its snapshot.
async function seed({ docName, fixture, updatesFile, mode, expectedLength, timeoutMs }) {
  const update = readFileSync(fixture);
  // Same client-side warm-up for every peer: decode the full state once locally (JIT).
  Y.applyUpdate(new Y.Doc(), update);
  if (peer.kind === 'raw') {
    const c = peer.createClient({ host, port, docName });
    await withTimeout(c.synced, timeoutMs, 'seed open');
    const stored = new Promise((resolve) =>
      c.onMessage((d) => {
        if (d[0] === 2) resolve();
      }),
    );
    c.send(Buffer.concat([Buffer.from([1]), update]));
    await withTimeout(stored, timeoutMs, 'seed stored'); // the server acks once the snapshot is kept
    holders.push(c);
    return { bytes: update.length, mode: 'snapshot' };
  }
  const doc = new Y.Doc();
  const t0 = performance.now();
  if (mode === 'snapshot') Y.applyUpdate(doc, update);
  const c = peer.createClient({ host, port, docName, doc, slot: 0 });
  await withTimeout(c.synced, timeoutMs, 'seed sync');
  holders.push(c);
  if (mode.startsWith('stored')) {
    const length = doc.getText('t').length;
    if (length !== expectedLength)
      throw new Error(`stored seed: holder has ${length} chars, expected ${expectedLength}`);
    return { bytes: update.length, mode, length, sendMs: performance.now() - t0 };
  }
  if (mode === 'replay') {
    const updates = readUpdates(updatesFile);
    for (let i = 0; i < updates.length; i++) {
      Y.applyUpdate(doc, updates[i], 'seed');
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return {
    bytes: update.length,
    mode: mode || 'replay',
    length: doc.getText('t').length,
    sendMs: performance.now() - t0,
  };
}

// W3 cold load: new Y.Doc + new provider; done when the provider reports synced AND the text
// has the expected length (content check, because "synced" semantics differ between providers).
async function coldload({ docName, expectedLength, timeoutMs }) {
  const t0 = process.hrtime.bigint();
  if (peer.kind === 'raw') {
    const c = peer.createClient({ host, port, docName });
    const done = new Promise((resolve) => {
      c.onMessage((data) => {
        if (data[0] !== 1) return;
        const doc = new Y.Doc();
        Y.applyUpdate(doc, data.subarray(1));
        if (doc.getText('t').length === expectedLength) resolve();
      });
    });
    await withTimeout(done, timeoutMs, 'raw cold load');
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    c.destroy();
    return { ms };
  }
  const doc = new Y.Doc();
  const text = doc.getText('t');
  let c;
  const done = new Promise((resolve, reject) => {
    let isSynced = false;
    const check = () => {
      if (isSynced && text.length === expectedLength) resolve();
    };
    doc.on('afterTransaction', check);
    c = peer.createClient({ host, port, docName, doc, slot: 1 });
    c.synced.then(() => {
      isSynced = true;
      check();
    }, reject);
  });
  await withTimeout(done, timeoutMs, 'cold load');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  c.destroy();
  doc.destroy();
  return { ms };
}

const handlers = {
  async init(m) {
    host = m.host;
    port = m.port;
    rawSize = m.rawSize || rawSize;
    peer = await import(pathToFileURL(path.resolve(m.peerPath)).href);
    if (peer.init) await peer.init(m.run);
    return { pid: process.pid };
  },
  connect,
  type,
  editLoop,
  seed,
  coldload,
  reset() {
    lat = [];
    at = [];
    received = 0;
    sent = 0;
    peer.resetStats?.();
    const c = process.cpuUsage();
    return { cpuS: (c.user + c.system) / 1e6 };
  },
  collect() {
    const cpu = process.cpuUsage();
    return {
      lat,
      at,
      received,
      sent,
      cpuS: (cpu.user + cpu.system) / 1e6,
      peerStats: peer.stats?.(),
    };
  },
  async close() {
    for (const c of clients.values()) {
      try {
        c.destroy();
      } catch {
        // gone already
      }
    }
    for (const c of holders) {
      try {
        c.destroy();
      } catch {
        // gone already
      }
    }
    setTimeout(() => process.exit(0), 200);
    return {};
  },
};

process.on('message', async (m) => {
  try {
    const res = await handlers[m.t](m);
    process.send({ rid: m.rid, ok: true, res });
  } catch (e) {
    process.send({ rid: m.rid, ok: false, err: String(e && e.stack ? e.stack : e) });
  }
});
process.on('disconnect', () => process.exit(0));

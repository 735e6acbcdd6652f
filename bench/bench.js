#!/usr/bin/env node
// Orchestrator: starts one peer's server (pinned to one core), forks client worker processes
// (pinned to the other core), runs a workload, samples the server process from /proc, and
// writes bench/results/<peer>/<workload>-<param>.json. Loopback only (127.0.0.1).
// Adapted from the yjsbench harness (see bench/README.md).
import { spawn, execFileSync } from 'node:child_process';
import {
  readFileSync,
  writeFileSync,
  mkdirSync,
  existsSync,
  createWriteStream,
  rmSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import net from 'node:net';
import path from 'node:path';
import * as Y from 'yjs';
import { buildFixture } from './lib/fixture.js';
import { descendants } from './lib/proc.js';
import { summarize, median, timeline } from './lib/stats.js';
import { report } from './report.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const FIXTURES = path.join(BENCH_DIR, 'fixtures');
const WORKER = path.join(BENCH_DIR, 'lib/worker.js');

const HOST = '127.0.0.1'; // never change: the harness only ever talks to loopback
const CLK_TCK = 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [k, v] = a.slice(2).split('=');
    if (v !== undefined) o[k] = v;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) o[k] = argv[++i];
    else o[k] = 'true';
  }
  return o;
}
const args = parseArgs(process.argv.slice(2));
const env = (k, d) => args[k] ?? process.env['BENCH_' + k.toUpperCase().replace(/-/g, '_')] ?? d;
const num = (k, d) => Number(env(k, d));

const OPT = {
  reps: num('reps', 1),
  procs: num('procs', 2), // client worker processes
  pin: env('pin', 'true') !== 'false', // taskset: server on SERVER_CPU, clients on CLIENT_CPU
  serverCpu: env('server-cpu', '0'),
  clientCpu: env('client-cpu', '1'),
  // W1
  clients: env('clients', '10'),
  duration: num('duration', 10), // seconds of typing (W1) or editing (W2)
  interval: num('interval', 20), // W1 ms between inserts
  rotate: num('rotate', 2), // W1 seconds per typist
  // W2
  docs: env('docs', '100'),
  period: num('period', 1000), // W2 ms between edits of one client
  // W3
  edits: num('edits', 50000),
  loads: num('loads', 5),
  // replay | snapshot | stored | stored-raw (server-side, peers with server.storedSeed), optionally
  // per peer: 'replay,escap=stored'
  seed: env('seed', 'replay,escap=stored'),
  out: path.resolve(env('out', path.join(BENCH_DIR, 'results'))),
  cpuProf: env('cpu-prof', '') ? path.resolve(env('cpu-prof', '')) : '',
};

function seedModeFor(peer) {
  let mode = 'replay';
  for (const part of String(OPT.seed).split(',')) {
    const [a, b] = part.split('=');
    if (b === undefined) mode = a;
    else if (a === peer.name) return b;
  }
  return mode;
}

// ---------------------------------------------------------------- peer / processes
async function loadPeer(p) {
  const file = existsSync(p) ? path.resolve(p) : path.join(BENCH_DIR, 'peers', `${p}.js`);
  const mod = await import(pathToFileURL(file).href);
  return { ...mod, file };
}

const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));
function pkgVersion(name) {
  for (const file of [path.join(ROOT, 'node_modules', name, 'package.json')]) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')).version;
    } catch {
      // not installed at the top level
    }
  }
  try {
    return JSON.parse(readFileSync(requireFromRoot.resolve(`${name}/package.json`), 'utf8'))
      .version;
  } catch {
    return '?';
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function tcpReady(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, HOST);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const pinned = (cpu, argv) =>
  OPT.pin ? ['taskset', ['-c', cpu, ...argv]] : [argv[0], argv.slice(1)];

// --cpu-prof DIR: the server (when it is a Node process) writes a V8 CPU profile there at exit.
function profiled(argv) {
  if (!OPT.cpuProf || argv[0] !== process.execPath) return argv;
  return [argv[0], '--cpu-prof', `--cpu-prof-dir=${OPT.cpuProf}`, ...argv.slice(1)];
}

async function startServer(peer, port, logFile, runEnv = {}) {
  const [cmd, argv] = pinned(OPT.serverCpu, profiled(peer.server.argv));
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    env: { ...process.env, ...(peer.server.env || {}), ...runEnv, HOST, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  let out = '';
  let ready = false;
  child.stdout.on('data', (d) => {
    log.write(d);
    if (!ready) out += d;
  });
  child.stderr.on('data', (d) => log.write(d));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const t0 = Date.now();
  const readyTimeoutMs = peer.server.readyTimeoutMs || 20000;
  while (Date.now() - t0 < readyTimeoutMs) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}; see ${logFile}`);
    if (peer.server.ready ? peer.server.ready.test(out) : await tcpReady(port)) {
      ready = true;
      break;
    }
    await sleep(50);
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`server not ready after ${readyTimeoutMs / 1000}s; see ${logFile}`);
  }
  if (peer.server.ready) while (!(await tcpReady(port))) await sleep(20);
  return {
    pid: child.pid,
    child,
    async stop() {
      // A server that does not stop in time is killed with its children (escap: its database),
      // and children it left behind are killed too, so that no process outlives its run.
      const tree = descendants(child.pid).filter((p) => p !== child.pid);
      child.kill('SIGTERM');
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        killAll(tree);
      }, peer.server.stopTimeoutMs || 3000);
      await exited;
      clearTimeout(t);
      killAll(tree.filter((p) => parentOf(p) === 1));
      log.end();
    },
  };
}

function parentOf(pid) {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function killAll(pids) {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // exited already
    }
  }
}

// /proc sampling of the server process and its descendants (start commands may be wrappers):
// `descendants` (lib/proc.js).

// Sums over the process tree (a server with its own database child counts both); `main*` is
// the root process alone (the Node server without its database).
function procSample(pid) {
  let cpu = 0;
  let rss = 0;
  let hwm = 0;
  let mainCpu = 0;
  let mainRss = 0;
  let mainHwm = 0;
  for (const p of descendants(pid)) {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const c = (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const r = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] || 0) / 1024;
      const h = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] || 0) / 1024;
      cpu += c;
      rss += r;
      hwm += h;
      if (p === pid) {
        mainCpu = c;
        mainRss = r;
        mainHwm = h;
      }
    } catch {
      // gone already
    }
  }
  return { cpu, rss, hwm, mainCpu, mainRss, mainHwm };
}

// Whole-machine busy CPU seconds (all cores) from /proc/stat, to detect other load on the host.
function sysBusyS() {
  const f = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal
  return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0)) / CLK_TCK;
}

// CPU used on this host by anything that is not this harness (server, workers, orchestrator)
// between two marks. Reported per run as foreignCpuS: a noise indicator.
function mark(ctx) {
  const c = process.cpuUsage();
  return {
    sys: sysBusyS(),
    own:
      procSample(ctx.server.pid).cpu +
      ctx.workers.reduce((a, w) => a + procSample(w.child.pid).cpu, 0) +
      (c.user + c.system) / 1e6,
  };
}
const foreign = (a, b) => Math.max(0, b.sys - a.sys - (b.own - a.own));

// Before each repetition, wait (up to QUIET_WAIT s) until the host is idle (< 15% of one core
// busy over 1 s), so that runs start on a quiet machine when other jobs share it.
async function waitQuiet() {
  const limit = num('quiet-wait', 120) * 1000;
  const t0 = Date.now();
  for (;;) {
    const a = sysBusyS();
    await sleep(1000);
    const busy = sysBusyS() - a;
    if (busy < 0.15) return { waitedS: (Date.now() - t0) / 1000, quiet: true };
    if (Date.now() - t0 > limit) return { waitedS: (Date.now() - t0) / 1000, quiet: false };
  }
}

// Linux: writing 5 to clear_refs resets a process's VmHWM (peak RSS) to its current RSS.
function resetPeakRss(pid) {
  for (const p of descendants(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      // gone, or not allowed: the peak then includes the start
    }
  }
}

class Sampler {
  constructor(pid) {
    this.pid = pid;
    this.peakRss = 0;
    this.peakMainRss = 0;
    this.timer = setInterval(() => this.sample(), 250);
    this.sample();
  }

  sample() {
    const s = procSample(this.pid);
    this.peakRss = Math.max(this.peakRss, s.rss, s.hwm);
    this.peakMainRss = Math.max(this.peakMainRss, s.mainRss, s.mainHwm);
    return s;
  }

  stop() {
    clearInterval(this.timer);
    return this.sample();
  }
}

class Worker {
  constructor(i, peer) {
    const [cmd, argv] = pinned(OPT.clientCpu, [
      process.execPath,
      ...(peer.workerExecArgv || []),
      WORKER,
    ]);
    this.child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.pending = new Map();
    this.rid = 0;
    this.child.on('message', (m) => {
      const p = this.pending.get(m.rid);
      if (!p) return;
      this.pending.delete(m.rid);
      if (m.ok) p.resolve(m.res);
      else p.reject(new Error(`worker ${i}: ${m.err}`));
    });
    this.child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`worker ${i} exited ${code}`));
    });
  }

  call(t, msg = {}) {
    const rid = ++this.rid;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve, reject });
      this.child.send({ ...msg, t, rid });
    });
  }

  async close() {
    try {
      await Promise.race([this.call('close'), sleep(3000)]);
    } catch {
      // gone already
    }
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

// Byte size of a y-websocket sync-update message carrying one token insert (raw floor uses it).
function yjsMessageSize() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.getText('t').insert(0, '<1:0:1234567890123456>');
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  let size = 0;
  b.on('update', (u) => {
    size = u.length;
  });
  b.getText('t').insert(b.getText('t').length, '<2:1:1234567890123456>');
  return size + 3; // + messageSync, messageYjsUpdate, varuint length
}

// Peer-specific client counters (escap: re-joins after a lost acknowledgement), summed.
function peerStats(col) {
  const out = {};
  for (const c of col)
    for (const [k, v] of Object.entries(c.peerStats || {}))
      out['client_' + k] = (out['client_' + k] || 0) + v;
  return out;
}

// The measured window on the monotonic clock V8's CPU profiles use, for bench/profile-summary.js.
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

// The database commands a persisting peer sent (driver command monitoring, served by the
// server on statsPort): engine-independent work, per 1,000 edits sent.
async function dbStats(ctx) {
  if (!ctx.statsPort) return undefined;
  const res = await fetch(`http://${HOST}:${ctx.statsPort}/`);
  return res.json();
}

function dbPer1k(a, b, sent) {
  if (!a || !b) return {};
  const per = (x) => (1000 * x) / Math.max(1, sent);
  const byCommand = {};
  for (const [k, v] of Object.entries(b.byCommand)) {
    const d = v - (a.byCommand[k] ?? 0);
    if (d) byCommand[k] = Math.round(per(d) * 10) / 10;
  }
  return {
    dbCommandsPer1k: per(b.commands - a.commands),
    dbDocsWrittenPer1k: per(b.docsWritten - a.docsWritten),
    dbCommandsPer1kByName: byCommand,
  };
}

// ---------------------------------------------------------------- workloads
async function w1(ctx, N) {
  const { workers } = ctx;
  const list = workers.map(() => []);
  for (let i = 0; i < N; i++) list[i % workers.length].push({ id: i, docName: 'w1-doc', slot: i });
  const conn = await Promise.all(
    workers.map((w, k) => w.call('connect', { list: list[k], concurrency: 20, timeoutMs: 30000 })),
  );
  const failed = conn.reduce((a, c) => a + c.failed, 0);
  await sleep(1500); // let the awareness burst of the connect phase settle
  const ccpu0 = (await Promise.all(workers.map((w) => w.call('reset')))).reduce(
    (a, r) => a + r.cpuS,
    0,
  );
  const s0 = procSample(ctx.server.pid);
  const cpu0 = s0.cpu;
  const m0 = mark(ctx);
  const db0 = await dbStats(ctx);
  const mono0 = monoUs();
  const slots = Math.max(1, Math.round(OPT.duration / OPT.rotate));
  const perSlot = Math.round((OPT.rotate * 1000) / OPT.interval);
  const t0 = performance.now();
  for (let j = 0; j < slots; j++) {
    const id = Math.min(N - 1, Math.floor((j * N) / slots) + (j % 2)); // spread typists over workers
    await workers[id % workers.length].call('type', {
      id,
      intervalMs: OPT.interval,
      count: perSlot,
    });
  }
  const typingMs = performance.now() - t0;
  await sleep(2000); // drain
  const s1 = procSample(ctx.server.pid);
  const cpu1 = s1.cpu;
  const m1 = mark(ctx);
  const db1 = await dbStats(ctx);
  const window = [mono0, monoUs()];
  const col = await Promise.all(workers.map((w) => w.call('collect')));
  const lat = col.flatMap((c) => c.lat);
  const sent = col.reduce((a, c) => a + c.sent, 0);
  return {
    ...summarize(lat),
    timeline: timeline(
      lat,
      col.flatMap((c) => c.at),
    ),
    monoWindowUs: window,
    expected: sent * (N - 1),
    deliveredPct: (100 * lat.length) / Math.max(1, sent * (N - 1)),
    sent,
    typingMs,
    failedClients: failed,
    connectMs: Math.max(...conn.map((c) => c.ms)),
    serverCpuS: cpu1 - cpu0, // over typing + 2 s drain
    serverNodeCpuS: s1.mainCpu - s0.mainCpu, // the root server process alone (no database child)
    serverDbCpuS: cpu1 - cpu0 - (s1.mainCpu - s0.mainCpu), // its children: the database
    serverNodeCpuMsPerEdit: (1000 * (s1.mainCpu - s0.mainCpu)) / Math.max(1, sent),
    ...dbPer1k(db0, db1, sent),
    ...peerStats(col),
    foreignCpuS: foreign(m0, m1),
    clientCpuS: col.reduce((a, c) => a + c.cpuS, 0) - ccpu0, // all client workers, same window
    windowS: (performance.now() - t0) / 1000,
  };
}

async function w2(ctx, D) {
  const { workers } = ctx;
  const list = workers.map(() => []);
  for (let d = 0; d < D; d++) {
    for (const side of [0, 1]) {
      const id = 2 * d + side;
      list[(d + side) % workers.length].push({ id, docName: `w2-doc-${d}`, slot: side }); // a doc's two clients sit in different workers
    }
  }
  const conn = await Promise.all(
    workers.map((w, k) => w.call('connect', { list: list[k], concurrency: 50, timeoutMs: 60000 })),
  );
  const failed = conn.reduce((a, c) => a + c.failed, 0);
  await sleep(2000);
  const afterConnect = procSample(ctx.server.pid);
  const ccpu0 = (await Promise.all(workers.map((w) => w.call('reset')))).reduce(
    (a, r) => a + r.cpuS,
    0,
  );
  const count = Math.round((OPT.duration * 1000) / OPT.period);
  const m0 = mark(ctx);
  const db0 = await dbStats(ctx);
  const mono0 = monoUs();
  const t0 = performance.now();
  await Promise.all(workers.map((w) => w.call('editLoop', { periodMs: OPT.period, count })));
  const editMs = performance.now() - t0;
  await sleep(2000);
  const end = procSample(ctx.server.pid);
  const m1 = mark(ctx);
  const db1 = await dbStats(ctx);
  const window = [mono0, monoUs()];
  const col = await Promise.all(workers.map((w) => w.call('collect')));
  const lat = col.flatMap((c) => c.lat);
  const sent = col.reduce((a, c) => a + c.sent, 0);
  return {
    ...summarize(lat),
    timeline: timeline(
      lat,
      col.flatMap((c) => c.at),
    ),
    monoWindowUs: window,
    expected: sent,
    deliveredPct: (100 * lat.length) / Math.max(1, sent),
    sent,
    editMs,
    failedClients: failed,
    connectMs: Math.max(...conn.map((c) => c.ms)),
    rssAfterConnectMB: afterConnect.rss,
    nodeRssAfterConnectMB: afterConnect.mainRss,
    serverNodeCpuEditS: end.mainCpu - afterConnect.mainCpu,
    serverCpuEditS: end.cpu - afterConnect.cpu, // CPU seconds over the edit phase (+2 s drain)
    serverDbCpuEditS: end.cpu - afterConnect.cpu - (end.mainCpu - afterConnect.mainCpu),
    serverNodeCpuMsPerEdit: (1000 * (end.mainCpu - afterConnect.mainCpu)) / Math.max(1, sent),
    ...dbPer1k(db0, db1, sent),
    foreignCpuS: foreign(m0, m1),
    serverCpuTotalS: end.cpu, // including process start and connection setup
    clientCpuEditS: col.reduce((a, c) => a + c.cpuS, 0) - ccpu0, // all client workers, edit phase + drain
    ...peerStats(col),
    windowS: (performance.now() - t0) / 1000,
  };
}

async function w3(ctx, edits) {
  const fx = buildFixture(edits, FIXTURES);
  const w = ctx.workers[0];
  const docName = 'w3-doc';
  const before = procSample(ctx.server.pid);
  const m0 = mark(ctx);
  const t0 = performance.now();
  const seed = await w.call('seed', {
    docName,
    fixture: fx.file,
    updatesFile: fx.updatesFile,
    mode: ctx.seedMode,
    expectedLength: fx.length,
    timeoutMs: 600000,
  });
  // First new client: also proves the server holds the whole document.
  const first = await w.call('coldload', { docName, expectedLength: fx.length, timeoutMs: 300000 });
  const seedToVisibleMs = performance.now() - t0;
  await sleep(1000);
  const afterSeed = procSample(ctx.server.pid);
  const loads = [];
  for (let i = 0; i < OPT.loads; i++) {
    const cpu0 = procSample(ctx.server.pid).cpu;
    const r = await w.call('coldload', { docName, expectedLength: fx.length, timeoutMs: 120000 });
    loads.push({ ms: r.ms, serverCpuS: procSample(ctx.server.pid).cpu - cpu0 });
    await sleep(300);
  }
  return {
    edits: fx.edits,
    stateBytes: fx.bytes,
    textLength: fx.length,
    seedMode: seed.mode,
    seedClientMs: seed.sendMs, // seed client: replay sent, or ('stored') holder synced from the database
    seedToVisibleMs,
    seedServerCpuS: afterSeed.cpu - before.cpu,
    rssAfterSeedMB: afterSeed.rss,
    nodeRssAfterSeedMB: afterSeed.mainRss,
    firstLoadMs: first.ms,
    foreignCpuS: foreign(m0, mark(ctx)),
    loadMs: median(loads.map((l) => l.ms)),
    loadMinMs: Math.min(...loads.map((l) => l.ms)),
    loadMaxMs: Math.max(...loads.map((l) => l.ms)),
    loads,
  };
}

const WORKLOADS = {
  w1: { fn: w1, param: 'clients' },
  w2: { fn: w2, param: 'docs' },
  w3: { fn: w3, param: 'edits' },
};

// ---------------------------------------------------------------- runner
const live = new Set(); // child processes to kill if the orchestrator is interrupted
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        // gone already
      }
    }
    process.exit(130);
  });
}

// The documents of a run and their clients, for peers that seed accounts (server.seedsRoster).
function roster(wl, value) {
  if (wl === 'w1') return [{ docName: 'w1-doc', clients: value }];
  if (wl === 'w2')
    return Array.from({ length: value }, (_, d) => ({ docName: `w2-doc-${d}`, clients: 2 }));
  return [{ docName: 'w3-doc', clients: 2 }]; // W3: the holder (slot 0) and the cold loaders (slot 1)
}

async function runOnce(peer, wl, value, rep) {
  const gate = await waitQuiet();
  const port = await freePort();
  mkdirSync(`${OPT.out}/logs`, { recursive: true });
  const base = `${OPT.out}/logs/${peer.name}-${wl}-${value}-r${rep}`;
  const seedMode = wl === 'w3' ? seedModeFor(peer) : undefined;
  const stored = seedMode?.startsWith('stored');
  if (stored && !peer.server.storedSeed)
    throw new Error(`peer ${peer.name} cannot seed W3 '${seedMode}'`);
  const run = { workload: wl, value: Number(value), seedFile: `${base}.seed.json` };
  const runEnv = {};
  if (peer.server.seedsRoster || peer.server.dbStats) {
    rmSync(run.seedFile, { force: true });
    runEnv.BENCH_SEED_FILE = run.seedFile;
  }
  if (peer.server.seedsRoster) runEnv.BENCH_ROSTER = JSON.stringify(roster(wl, Number(value)));
  // Peers that persist count their database commands (bench/lib/db-stats.ts).
  const statsPort = peer.server.dbStats ? await freePort() : 0;
  if (statsPort) runEnv.BENCH_STATS_PORT = String(statsPort);
  if (stored) {
    runEnv.BENCH_STORED_UPDATES = buildFixture(Number(value), FIXTURES).updatesFile;
    runEnv.BENCH_STORED_LAYOUT = seedMode === 'stored-raw' ? 'raw' : 'compacted';
  }
  const tStart = performance.now();
  const server = await startServer(peer, port, `${base}.log`, runEnv);
  const startMs = performance.now() - tStart;
  live.add(server.child);
  const atReady = procSample(server.pid);
  // Peaks count from READY on: escap's start seeds the roster (thousands of professionals with
  // sessions, teams and memberships, written in bulk), a fixture no production start does, and
  // its high-water mark would otherwise stand for the workload's peak.
  resetPeakRss(server.pid);
  const serverInfo = existsSync(run.seedFile) ? JSON.parse(readFileSync(run.seedFile, 'utf8')) : {};
  delete serverInfo.docs;
  const sampler = new Sampler(server.pid);
  const nWorkers = wl === 'w3' ? 1 : OPT.procs;
  const workers = Array.from({ length: nWorkers }, (_, i) => new Worker(i, peer));
  for (const w of workers) live.add(w.child);
  try {
    await Promise.all(
      workers.map((w) =>
        w.call('init', { peerPath: peer.file, host: HOST, port, rawSize: yjsMessageSize(), run }),
      ),
    );
    const res = await WORKLOADS[wl].fn({ server, workers, seedMode, statsPort }, Number(value));
    const s = sampler.stop();
    return {
      ...res,
      serverPeakRssMB: sampler.peakRss,
      serverNodePeakRssMB: sampler.peakMainRss,
      serverRssEndMB: s.rss,
      serverStartMs: startMs,
      serverCpuAtReadyS: atReady.cpu,
      serverNodeRssAtReadyMB: atReady.mainRss,
      serverNodePeakRssBeforeReadyMB: atReady.mainHwm,
      serverInfo,
      quietStart: gate.quiet,
      quietWaitS: gate.waitedS,
    };
  } finally {
    sampler.stop();
    await Promise.all(workers.map((w) => w.close()));
    await server.stop();
    live.clear();
  }
}

async function runConfig(peerName, wl, value) {
  const peer = await loadPeer(peerName);
  const reps = [];
  for (let r = 1; r <= OPT.reps; r++) {
    const t0 = Date.now();
    let res;
    try {
      res = await runOnce(peer, wl, value, r);
    } catch (e) {
      res = { error: String(e.message || e) };
    }
    const brief = { ...res };
    for (const k of ['lat', 'loads', 'timeline', 'serverInfo']) delete brief[k];
    console.log(
      `[${peer.name}] ${wl} ${WORKLOADS[wl].param}=${value} rep ${r}/${OPT.reps} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      JSON.stringify(round(brief)),
    );
    delete res.lat;
    reps.push(res);
    await sleep(500);
  }
  const ok = reps.filter((r) => !r.error);
  const keys = ok.length ? Object.keys(ok[0]).filter((k) => typeof ok[0][k] === 'number') : [];
  const med = Object.fromEntries(keys.map((k) => [k, median(ok.map((r) => r[k]))]));
  const out = {
    peer: peer.name,
    workload: wl,
    param: WORKLOADS[wl].param,
    value: Number(value),
    options: OPT,
    versions: Object.fromEntries(
      (peer.versions || []).concat('yjs', 'ws').map((n) => [n, pkgVersion(n)]),
    ),
    node: process.version,
    git: gitState(),
    date: new Date().toISOString(),
    median: med,
    errors: reps.filter((r) => r.error).map((r) => r.error),
    reps,
  };
  mkdirSync(`${OPT.out}/${peer.name}`, { recursive: true });
  writeFileSync(`${OPT.out}/${peer.name}/${wl}-${value}.json`, JSON.stringify(out, null, 1));
  return out;
}

// The code measured: HEAD and a hash of the uncommitted changes to the server, shared code and
// the notes client (the escap peer runs the working tree).
function gitState() {
  try {
    const git = (...a) =>
      execFileSync('git', a, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    const diff = git('diff', 'HEAD', '--', 'server', 'shared', 'client/src/features/notes');
    return {
      head: git('rev-parse', '--short', 'HEAD').trim(),
      diff: diff ? createHash('sha1').update(diff).digest('hex').slice(0, 10) : null,
    };
  } catch {
    return undefined;
  }
}

function round(o) {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 100) / 100 : v]),
  );
}

// Suites: `quick` keeps one peer under ~2 minutes; `spec` is the full matrix of the brief.
const SUITES = {
  quick: { reps: 1, w1: ['10', '50'], w1dur: 5, w2: ['100'], w2dur: 10, w3: ['5000'] },
  full: {
    reps: 3,
    w1: ['10', '50', '200'],
    w1dur: 10,
    w2: ['100', '1000'],
    w2dur: 30,
    w3: ['50000'],
  },
};
SUITES.spec = SUITES.full;

async function main() {
  const peers = (
    env('peer', null) || env('peers', 'escap,hocuspocus-db,hocuspocus,y-websocket,raw-ws')
  ).split(',');
  if (args.suite) {
    const s = SUITES[args.suite];
    if (!s) throw new Error(`unknown suite ${args.suite}`);
    if (!args.reps && !process.env.BENCH_REPS) OPT.reps = s.reps;
    const only = env('workload', 'w1,w2,w3').split(',');
    for (const p of peers) {
      if (only.includes('w1')) {
        OPT.duration = s.w1dur;
        for (const n of s.w1) await runConfig(p, 'w1', n);
      }
      if (only.includes('w2')) {
        OPT.duration = s.w2dur;
        for (const d of s.w2) await runConfig(p, 'w2', d);
      }
      if (only.includes('w3')) for (const e of s.w3) await runConfig(p, 'w3', e);
    }
    console.log('\n' + report(OPT.out));
    return;
  }
  const wl = env('workload', 'w1');
  if (!WORKLOADS[wl]) throw new Error(`unknown workload ${wl}`);
  const values = String(OPT[WORKLOADS[wl].param]).split(',');
  for (const p of peers) for (const v of values) await runConfig(p, wl, v);
  if (env('report', 'true') !== 'false') console.log('\n' + report(OPT.out));
}

if (OPT.pin) {
  try {
    execFileSync('taskset', ['-pc', OPT.clientCpu, String(process.pid)], { stdio: 'ignore' });
  } catch {
    OPT.pin = false;
  }
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

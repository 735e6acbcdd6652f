// `npm run bench:chat`: the team conversation under load, on one server (the real app, bundled
// by scripts/build-server.mjs --bench, seeded like the notes benchmark's escap peer).
//
//   fanout: one team of --members (50) members; they take turns, one message every --interval
//           ms (50) for --fanout-duration s (20); p50/p95/p99 from send to each other member.
//   load:   --teams (200) x --per-team (5) = 1,000 connected members, each sending a message
//           every --period ms (2000) for --duration s (60); errors (refused, unacknowledged,
//           disconnected), deliveries, p99; server CPU and RSS.
//
// node bench/chat/run.js [--scenario fanout,load] [--procs 2] [--members 50] ...
// MONGODB_URI selects a real MongoDB (each run uses its own database); else the server's
// embedded choice (jongodb here), printed with the figures.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVER_NODE_FLAGS } from '../../scripts/node-flags.mjs';
import { descendants } from '../lib/proc.js';
import { summarize } from '../lib/stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'fanout,load' },
    procs: { type: 'string', default: '2' },
    members: { type: 'string', default: '50' },
    interval: { type: 'string', default: '50' },
    'fanout-duration': { type: 'string', default: '20' },
    teams: { type: 'string', default: '200' },
    'per-team': { type: 'string', default: '5' },
    period: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '60' },
    out: { type: 'string', default: path.join(here, '..', 'results', 'chat') },
  },
});
const num = (k) => Number(opt[k]);

const scenarios = {
  fanout: () => ({
    teams: [{ docName: 'chat-fanout', clients: num('members') }],
    plan: (team, index, size) => ({
      periodMs: num('interval') * size,
      offsetMs: index * num('interval'),
      durationMs: num('fanout-duration') * 1000,
    }),
    durationMs: num('fanout-duration') * 1000,
  }),
  load: () => ({
    teams: Array.from({ length: num('teams') }, (_, i) => ({
      docName: `chat-${i}`,
      clients: num('per-team'),
    })),
    // Spread evenly over the period, so the load is steady rather than in waves.
    plan: (team, index, size, global, total) => ({
      periodMs: num('period'),
      offsetMs: Math.floor((global / total) * num('period')),
      durationMs: num('duration') * 1000,
    }),
    durationMs: num('duration') * 1000,
  }),
};

function startServer(roster) {
  const dir = mkdtempSync(path.join(tmpdir(), 'escap-chat-bench-'));
  const seedFile = path.join(dir, 'seed.json');
  const port = 4700 + Math.floor(Math.random() * 1000);
  // The server's database command counters (bench/lib/db-stats.ts) on the next port.
  const statsPort = port + 1000;
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
        BENCH_STATS_PORT: String(statsPort),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('READY'))
        resolve({ child, port, statsPort, seed: JSON.parse(readFileSync(seedFile, 'utf8')) });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before READY`)));
  });
}

/** CPU seconds and RSS of a process and everything below it (the embedded database), from /proc. */
function sample(pid) {
  const pids = descendants(pid);
  let cpu = 0;
  let nodeCpu = 0;
  let rss = 0;
  let nodeRss = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const c = (Number(fields[11]) + Number(fields[12])) / 100;
      cpu += c;
      if (p === pid) nodeCpu = c;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      rss += kb / 1024;
      if (p === pid) nodeRss = kb / 1024;
    } catch {
      // A child that exited between the listing and the read.
    }
  }
  return { cpu, nodeCpu, rss, nodeRss };
}

/** What the server's driver has sent so far (command monitoring). */
async function dbStats(server) {
  return (await fetch(`http://127.0.0.1:${server.statsPort}/`)).json();
}

async function runScenario(name) {
  const def = scenarios[name]();
  const server = await startServer(def.teams);
  const members = [];
  for (const team of def.teams) {
    const entry = server.seed.docs[team.docName];
    entry.cookies.forEach((cookie, i) =>
      members.push({
        index: members.length,
        teamId: entry.teamId,
        cookie,
        inTeam: i,
        size: entry.cookies.length,
      }),
    );
  }
  const procs = Math.max(1, Math.min(num('procs'), members.length));
  const workers = Array.from({ length: procs }, () => fork(path.join(here, 'client.js')));
  const answer = (w, type) =>
    new Promise((resolve, reject) =>
      w.on('message', (m) =>
        m.type === type ? resolve(m) : m.type === 'failed' && reject(new Error(m.error)),
      ),
    );
  const t0 = Date.now();
  await Promise.all(
    workers.map((w, k) => {
      const share = members
        .filter((m) => m.index % procs === k)
        .map(({ index, teamId, cookie }) => ({ index, teamId, cookie }));
      const ready = answer(w, 'ready');
      w.send({ type: 'init', url: `http://127.0.0.1:${server.port}`, members: share });
      return ready;
    }),
  );
  const connectS = (Date.now() - t0) / 1000;
  const plans = {};
  for (const m of members)
    plans[m.index] = [def.plan(m.teamId, m.inTeam, m.size, m.index, members.length)];
  const before = sample(server.child.pid);
  const db0 = await dbStats(server);
  let peakRss = before.rss;
  let peakNodeRss = before.nodeRss;
  const sampler = setInterval(() => {
    const s = sample(server.child.pid);
    peakRss = Math.max(peakRss, s.rss);
    peakNodeRss = Math.max(peakNodeRss, s.nodeRss);
  }, 500);
  const startAt = Date.now() + 500;
  for (const w of workers) w.send({ type: 'start', startAt, plans });
  // The run, then time for the last messages to arrive.
  await new Promise((r) => setTimeout(r, 500 + def.durationMs + 5_000));
  clearInterval(sampler);
  const after = sample(server.child.pid);
  const db1 = await dbStats(server);
  const results = await Promise.all(
    workers.map((w) => {
      const done = answer(w, 'done');
      w.send({ type: 'collect' });
      return done;
    }),
  );
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));

  const latencies = results.flatMap((r) => r.latencies);
  const sum = (k) => results.reduce((n, r) => n + r[k], 0);
  const errors = {};
  const refusedCodes = {};
  for (const r of results) {
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.refusedCodes))
      refusedCodes[k] = (refusedCodes[k] ?? 0) + v;
  }
  const teamSize = def.teams[0].clients;
  // Every message sent should reach the other members, acknowledged in time or not.
  const expected = sum('sent') * (teamSize - 1);
  return {
    scenario: name,
    engine: server.seed.engine,
    clients: members.length,
    teams: def.teams.length,
    durationS: def.durationMs / 1000,
    connectS,
    sent: sum('sent'),
    acked: sum('acked'),
    deliveredPct: expected ? (100 * sum('received')) / expected : NaN,
    errors,
    refusedCodes,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    latency: summarize(latencies),
    server: {
      cpuS: after.cpu - before.cpu,
      nodeCpuS: after.nodeCpu - before.nodeCpu,
      databaseCpuS: after.cpu - before.cpu - (after.nodeCpu - before.nodeCpu),
      dbCommandsPerMessage: (db1.commands - db0.commands) / Math.max(1, sum('sent')),
      dbDocsWrittenPerMessage: (db1.docsWritten - db0.docsWritten) / Math.max(1, sum('sent')),
      dbCommandsByName: Object.fromEntries(
        Object.entries(db1.byCommand)
          .map(([k, v]) => [k, v - (db0.byCommand[k] ?? 0)])
          .filter(([, v]) => v > 0),
      ),
      peakRssMb: Math.round(peakRss),
      peakNodeRssMb: Math.round(peakNodeRss),
    },
  };
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
mkdirSync(opt.out, { recursive: true });
const rows = [];
for (const name of opt.scenario.split(',')) {
  if (!scenarios[name]) throw new Error(`unknown scenario ${name}`);
  console.error(`chat bench: ${name}…`);
  const r = await runScenario(name);
  writeFileSync(path.join(opt.out, `chat-${name}.json`), JSON.stringify(r, null, 2));
  rows.push(r);
}
console.log(`\nChat benchmark — engine: ${rows[0]?.engine} (node ${process.version})\n`);
console.log(
  '| scenario | clients | teams | s | msgs sent | acked | delivered % | errors | p50 ms | p95 ms | p99 ms | max ms | server CPU s (node / database) | db commands / message | db docs written / message | peak RSS MB (node) | connect s |',
);
console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows) {
  const l = r.latency;
  console.log(
    `| ${r.scenario} | ${r.clients} | ${r.teams} | ${r.durationS} | ${r.sent} | ${r.acked} | ${fmt(r.deliveredPct)} | ${r.errorCount}${r.errorCount ? ` ${JSON.stringify({ ...r.errors, ...r.refusedCodes })}` : ''} | ${fmt(l.p50)} | ${fmt(l.p95)} | ${fmt(l.p99)} | ${fmt(l.max)} | ${fmt(r.server.cpuS)} (${fmt(r.server.nodeCpuS)} / ${fmt(r.server.databaseCpuS)}) | ${fmt(r.server.dbCommandsPerMessage)} | ${fmt(r.server.dbDocsWrittenPerMessage)} | ${r.server.peakRssMb} (${r.server.peakNodeRssMb}) | ${fmt(r.connectS)} |`,
  );
}
const failed = rows.some((r) => r.errorCount > 0 || r.deliveredPct < 100);
if (failed) console.log('\nFAILED: errors or undelivered messages (target: zero errors).');
process.exitCode = failed ? 1 : 0;

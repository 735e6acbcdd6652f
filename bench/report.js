#!/usr/bin/env node
// Markdown tables from bench/results/<peer>/<workload>-<value>.json (medians over repetitions),
// then the ratios of the targets: escap against hocuspocus on every workload, and escap's
// W1 p99 against the raw-ws floor. Adapted from the yjsbench harness (see bench/README.md).
// usage: node bench/report.js [results dir]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ORDER = ['escap', 'hocuspocus-db', 'hocuspocus', 'y-websocket', 'y-socketio', 'raw-ws'];

function load(dir) {
  const runs = [];
  for (const p of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    // logs/ and chat/ (the chat benchmark's own results) are not notes runs.
    if (!p.isDirectory() || p.name === 'logs' || p.name === 'chat') continue;
    for (const f of readdirSync(`${dir}/${p.name}`)) {
      if (f.endsWith('.json')) runs.push(JSON.parse(readFileSync(`${dir}/${p.name}/${f}`, 'utf8')));
    }
  }
  const rank = (p) => ORDER.indexOf(p) + 1 || 99;
  runs.sort(
    (a, b) =>
      a.workload.localeCompare(b.workload) ||
      rank(a.peer) - rank(b.peer) ||
      a.peer.localeCompare(b.peer) ||
      a.value - b.value,
  );
  return runs;
}

const f = (x, d = 1) => (typeof x === 'number' && !Number.isNaN(x) ? x.toFixed(d) : '–');
const spread = (r, k, d = 1) => {
  const v = r.reps.filter((x) => !x.error && typeof x[k] === 'number').map((x) => x[k]);
  return v.length ? `${f(Math.min(...v), d)}–${f(Math.max(...v), d)}` : '–';
};
const reps = (r) => `${r.reps.filter((x) => !x.error).length}/${r.reps.length}`;
/** The Node server process alone, when the server has children (escap: its database). */
const node = (r, k, d) =>
  typeof r.median[k] === 'number' && r.reps.some((x) => x.serverInfo?.engine)
    ? ` (${f(r.median[k], d)})`
    : '';

export function report(dir) {
  const runs = load(dir);
  const out = [];
  out.push(
    `Machine: ${os.cpus()[0]?.model} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  const vers = {};
  for (const r of runs) Object.assign(vers, r.versions);
  out.push(
    'Versions: ' +
      Object.entries(vers)
        .map(([k, v]) => `${k}@${v}`)
        .join(', '),
  );
  const engines = new Set();
  for (const r of runs)
    for (const x of r.reps) if (x.serverInfo?.engine) engines.add(x.serverInfo.engine);
  if (engines.size)
    out.push(
      `escap database engine: ${[...engines].join(', ')}` +
        ([...engines].includes('jongodb')
          ? ' (jongodb: an in-memory MongoDB stand-in whose write cost grows with collection size; a real MongoDB needs MONGODB_URI)'
          : ''),
    );
  out.push(
    'foreign CPU s = host CPU used by anything other than the harness during the measured window (includes kernel softirq time for loopback traffic), a noise indicator.',
  );
  out.push(
    'Server CPU and RSS cover the server process tree (escap, hocuspocus-db: Node + its database process); "(node)" is the Node server process alone; "database CPU s" is the rest of the tree. "db commands / docs written per 1k edits": what the driver sent (command monitoring), which does not depend on the engine\'s speed.',
  );
  out.push(
    'All numbers are medians over the repetitions (reps column = ok/total); "range" = min–max across repetitions.\n',
  );

  const w1 = runs.filter((r) => r.workload === 'w1');
  if (w1.length) {
    out.push(
      `### W1 fan-out latency (1 doc, N clients, one typist at a time, insert every ${w1[0].options.interval} ms for ${w1[0].options.duration} s), ms`,
    );
    out.push(
      '| peer | N | p50 | p95 | p99 | max | p95 range | delivered % | server CPU s (node) | node CPU ms / edit | database CPU s | db commands / 1k edits | db docs written / 1k edits | client CPU s | foreign CPU s | failed clients | client re-joins | reps |',
    );
    out.push(
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of w1) {
      const m = r.median;
      out.push(
        `| ${r.peer} | ${r.value} | ${f(m.p50, 2)} | ${f(m.p95, 2)} | ${f(m.p99, 2)} | ${f(m.max)} | ${spread(r, 'p95')} | ${f(m.deliveredPct, 1)} | ${f(m.serverCpuS, 2)}${node(r, 'serverNodeCpuS', 2)} | ${f(m.serverNodeCpuMsPerEdit, 2)} | ${f(m.serverDbCpuS, 2)} | ${f(m.dbCommandsPer1k, 0)} | ${f(m.dbDocsWrittenPer1k, 0)} | ${f(m.clientCpuS, 2)} | ${f(m.foreignCpuS, 2)} | ${f(m.failedClients, 0)} | ${f(m.client_resyncs, 0)} | ${reps(r)} |`,
      );
    }
    out.push('');
  }
  const w2 = runs.filter((r) => r.workload === 'w2');
  if (w2.length) {
    out.push(
      `### W2 many documents (D docs x 2 clients, 1 edit every ${w2[0].options.period} ms per client for ${w2[0].options.duration} s)`,
    );
    out.push(
      '| peer | D | server peak RSS MB (node) | RSS after connect MB (node) | server CPU s edit phase (node) | node CPU ms / edit | database CPU s | db commands / 1k edits | db docs written / 1k edits | server CPU s total | p50 ms | p95 ms | p95 range | delivered % | client CPU s (edit phase) | foreign CPU s | connect s | failed clients | client re-joins | reps |',
    );
    out.push(
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of w2) {
      const m = r.median;
      out.push(
        `| ${r.peer} | ${r.value} | ${f(m.serverPeakRssMB, 0)}${node(r, 'serverNodePeakRssMB', 0)} | ${f(m.rssAfterConnectMB, 0)}${node(r, 'nodeRssAfterConnectMB', 0)} | ${f(m.serverCpuEditS, 2)}${node(r, 'serverNodeCpuEditS', 2)} | ${f(m.serverNodeCpuMsPerEdit, 2)} | ${f(m.serverDbCpuEditS, 2)} | ${f(m.dbCommandsPer1k, 0)} | ${f(m.dbDocsWrittenPer1k, 0)} | ${f(m.serverCpuTotalS, 2)} | ${f(m.p50, 2)} | ${f(m.p95, 1)} | ${spread(r, 'p95')} | ${f(m.deliveredPct, 1)} | ${f(m.clientCpuEditS, 2)} | ${f(m.foreignCpuS, 2)} | ${f(m.connectMs / 1000, 1)} | ${f(m.failedClients, 0)} | ${f(m.client_resyncs, 0)} | ${reps(r)} |`,
      );
    }
    out.push(
      '"server CPU s total" includes process start (escap: database start and the seeding of accounts and teams). "client re-joins" (escap): joins after each provider’s first: after an error, or in the background after an acknowledgement slower than 30 s (edits keep flowing).\n',
    );
  }
  const w3 = runs.filter((r) => r.workload === 'w3');
  if (w3.length) {
    out.push(
      '### W3 cold load (document with N prior small edits; new client until synced and content complete)',
    );
    out.push(
      '| peer | edits | state bytes | cold load ms (median) | range of per-rep medians | first load ms | seed mode | seed client s | seed → visible s | server CPU s to ingest seed | server RSS after seed MB (node) | foreign CPU s | reps |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
    for (const r of w3) {
      const m = r.median;
      out.push(
        `| ${r.peer} | ${r.value} | ${m.stateBytes} | ${f(m.loadMs, 0)} | ${spread(r, 'loadMs', 0)} | ${f(m.firstLoadMs, 0)} | ${r.reps.find((x) => x.seedMode)?.seedMode ?? '–'} | ${f(m.seedClientMs / 1000, 1)} | ${f(m.seedToVisibleMs / 1000, 1)} | ${f(m.seedServerCpuS, 2)} | ${f(m.rssAfterSeedMB, 0)}${node(r, 'nodeRssAfterSeedMB', 0)} | ${f(m.foreignCpuS, 2)} | ${reps(r)} |`,
      );
    }
    out.push(
      "seed modes: replay = the 50k edits sent one by one through the server; stored = written to the server's database before it starts, so the seed client's sync is the load from the database (seed client s); snapshot = the merged state in one message.\n",
    );
  }
  out.push(...ratios(runs));
  const errs = runs.flatMap((r) => r.errors.map((e) => `${r.peer} ${r.workload}=${r.value}: ${e}`));
  if (errs.length) {
    out.push('Errors:');
    for (const e of errs) out.push('- ' + e.split('\n')[0]);
  }
  return out.join('\n');
}

/** The targets: escap no slower than hocuspocus anywhere; W1 p99 within 2x raw-ws. */
function ratios(runs) {
  const get = (peer, wl, v) =>
    runs.find((r) => r.peer === peer && r.workload === wl && r.value === v);
  const out = [];
  const row = (label, a, b, limit, lowerIsBetter = true) => {
    if (
      typeof a !== 'number' ||
      typeof b !== 'number' ||
      Number.isNaN(a) ||
      Number.isNaN(b) ||
      b === 0
    )
      return;
    const x = a / b;
    const ok = lowerIsBetter ? x <= limit : x >= limit;
    out.push(
      `| ${label} | ${f(a, 2)} | ${f(b, 2)} | ${f(x, 2)} | ${lowerIsBetter ? '≤' : '≥'} ${limit} | ${ok ? 'ok' : 'MISSED'} |`,
    );
  };
  const escap = runs.filter((r) => r.peer === 'escap');
  if (!escap.length) return out;
  out.push('### Targets (ratios of medians)');
  out.push('| measure | escap | reference | ratio | target | |');
  out.push('|---|---:|---:|---:|---:|---|');
  for (const e of escap) {
    const h = get('hocuspocus', e.workload, e.value);
    const raw = get('raw-ws', e.workload, e.value);
    const hdb = get('hocuspocus-db', e.workload, e.value);
    const yws = get('y-websocket', e.workload, e.value);
    const m = e.median;
    // The fair comparison (issue "cost per edit"): both sides persist.
    if (hdb && (e.workload === 'w1' || e.workload === 'w2')) {
      const w = e.workload.toUpperCase();
      const at = e.workload === 'w1' ? `N=${e.value}` : `D=${e.value}`;
      row(
        `${w} ${at} Node CPU ms per edit, escap / hocuspocus-db`,
        m.serverNodeCpuMsPerEdit,
        hdb.median.serverNodeCpuMsPerEdit,
        1,
      );
      if (e.workload === 'w1')
        row(`W1 ${at} p99 ms, escap / hocuspocus-db`, m.p99, hdb.median.p99, 1);
      if (e.workload === 'w2') {
        row(`W2 ${at} p95 ms, escap / hocuspocus-db`, m.p95, hdb.median.p95, 1);
        row(
          `W2 ${at} Node peak RSS MB, escap / hocuspocus-db`,
          m.serverNodePeakRssMB,
          hdb.median.serverNodePeakRssMB,
          1,
        );
      }
      row(`${w} ${at} delivered %, escap / 100`, m.deliveredPct, 100, 1, false);
    }
    if (yws && (e.workload === 'w1' || e.workload === 'w2')) {
      const at = e.workload === 'w1' ? `N=${e.value}` : `D=${e.value}`;
      row(
        `${e.workload.toUpperCase()} ${at} Node CPU ms per edit, escap / y-websocket (stretch)`,
        m.serverNodeCpuMsPerEdit,
        yws.median.serverNodeCpuMsPerEdit,
        1.5,
      );
      row(
        `${e.workload.toUpperCase()} ${at} Node peak RSS MB, escap / y-websocket (stretch)`,
        m.serverNodePeakRssMB,
        yws.median.serverNodePeakRssMB,
        1.5,
      );
    }
    if (e.workload === 'w1') {
      for (const k of ['p50', 'p95', 'p99'])
        if (h) row(`W1 N=${e.value} ${k} ms, escap / hocuspocus`, m[k], h.median[k], 1);
      if (raw) row(`W1 N=${e.value} p99 ms, escap / raw-ws`, m.p99, raw.median.p99, 2);
    } else if (e.workload === 'w2' && h) {
      row(`W2 D=${e.value} p95 ms, escap / hocuspocus`, m.p95, h.median.p95, 1);
      row(
        `W2 D=${e.value} peak RSS MB (tree), escap / hocuspocus`,
        m.serverPeakRssMB,
        h.median.serverPeakRssMB,
        1,
      );
      row(
        `W2 D=${e.value} peak RSS MB (node only), escap / hocuspocus`,
        m.serverNodePeakRssMB,
        h.median.serverPeakRssMB,
        1,
      );
      row(
        `W2 D=${e.value} CPU s edit phase (tree), escap / hocuspocus`,
        m.serverCpuEditS,
        h.median.serverCpuEditS,
        1,
      );
      row(
        `W2 D=${e.value} CPU s edit phase (node only), escap / hocuspocus`,
        m.serverNodeCpuEditS,
        h.median.serverCpuEditS,
        1,
      );
    } else if (e.workload === 'w3' && h) {
      row(`W3 ${e.value} edits cold load ms, escap / hocuspocus`, m.loadMs, h.median.loadMs, 1);
      row(
        `W3 ${e.value} edits first load ms, escap / hocuspocus`,
        m.firstLoadMs,
        h.median.firstLoadMs,
        1,
      );
      if (e.reps.some((x) => x.seedMode === 'stored'))
        row(
          `W3 ${e.value} edits load from the database (seed client) ms, escap / hocuspocus cold load`,
          m.seedClientMs,
          h.median.loadMs,
          1,
        );
    }
  }
  out.push('');
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] || path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  console.log(report(dir));
}

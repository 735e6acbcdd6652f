#!/usr/bin/env node
// Prints the per-second latency timeline (by send time) of one result file, one row per rep.
// usage: node lib/timeline.js results/hocuspocus/w2-1000.json [p95|p50|max]
import { readFileSync } from 'node:fs';
const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const k = process.argv[3] || 'p95';
console.log(`${r.peer} ${r.workload}=${r.value} per-second ${k} (ms) by send time`);
r.reps.forEach((x, i) =>
  console.log(
    `rep${i + 1}: ` +
      (x.timeline || []).map((b) => (b[k] >= 100 ? b[k].toFixed(0) : b[k].toFixed(1))).join(' '),
  ),
);

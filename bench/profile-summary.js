#!/usr/bin/env node
// Summarises V8 CPU profiles (`bench.js --cpu-prof DIR` writes one per server process): self time
// by package (node_modules/<pkg>, the app's own folders, node: internals, GC, idle) and the
// heaviest functions. With --results, only the samples inside the measured window of the
// repetition that ran while the profile was taken (bench.js records it on the monotonic clock
// V8 stamps profiles with), so start-up, seeding and shutdown are left out.
// usage: node bench/profile-summary.js FILE.cpuprofile [--results bench/results/escap/w1-50.json] [--top 25]
import { readFileSync } from 'node:fs';

const arg = (k) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : null);
const file = process.argv[2];

const prof = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(arg('--top')) || 25;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
let window = [-Infinity, Infinity];
if (arg('--results')) {
  const res = JSON.parse(readFileSync(arg('--results'), 'utf8'));
  const rep = res.reps.find(
    (r) =>
      r.monoWindowUs && r.monoWindowUs[0] >= prof.startTime && r.monoWindowUs[1] <= prof.endTime,
  );
  if (!rep) throw new Error('no repetition of those results ran within this profile');
  window = rep.monoWindowUs;
}
const dt = new Map();
let at = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  at += prof.timeDeltas[i] ?? 0;
  if (at < window[0] || at > window[1]) continue;
  const id = prof.samples[i];
  dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}

function bucket(cf) {
  const url = cf.url || '';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const src = /(server|shared|client|bench)\/(?:src\/)?([^/]+)/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.includes('.build/')) return 'bundle';
  return cf.functionName ? `(${cf.functionName})` : '(native)';
}

const pkgs = new Map();
const fns = new Map();
let total = 0;
for (const [id, us] of dt) {
  const n = byId.get(id);
  const cf = n.callFrame;
  total += us;
  const b = bucket(cf);
  pkgs.set(b, (pkgs.get(b) ?? 0) + us);
  const key = `${cf.functionName || '(anonymous)'} ${b}:${cf.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const ms = (us) => (us / 1000).toFixed(0).padStart(7);
const busy = total - (pkgs.get('((idle))') ?? 0) - (pkgs.get('((program))') ?? 0);
console.log(`${file}\ntotal ${ms(total)} ms, busy (not idle/program) ${ms(busy)} ms`);
for (const [k, v] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${ms(v)} ms  ${k}`);
console.log('--- functions (self)');
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${ms(v)} ms  ${k}`);

/**
 * `npm run bench:directory [-- --lines 1000000] [--db-lines N] [--searches 1000] [--batch 1000]`
 *
 * The national directory's import and search (docs/identity.md, "Directory"; figures in
 * bench/directory/REPORT.md). Writes a FICTITIOUS extract of `--lines` lines in the published
 * layout (server/src/directory/synthetic.ts) to a temporary file, then, each in a process of
 * its own so that its peak memory is its own:
 * 1. parse: the importer's streamed reading of the whole file (readline, columns by header,
 *    line records, batches), without a database: time and peak RSS;
 * 2. import: `importDirectory` into the database, `--db-lines` lines (all of them on MongoDB;
 *    on the jongodb stand-in, whose writes slow down as a collection grows, a first slice of
 *    the file), time and peak RSS, then a re-import of the same lines (the update path);
 * 3. search: `Directory.search` for `--searches` names (a prefix of 2 to 6 letters of a last
 *    name, or a last name and a first name's prefix), p50/p95/max.
 * Prints the engine: MONGODB_URI (a real MongoDB), else the app's embedded choice.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { registerAuthModels } from '../../server/src/auth/model.js';
import { ensureIndexes, openConnection } from '../../server/src/db/connection.js';
import { startDatabase } from '../../server/src/db/embedded.js';
import { mapHeader, readLine, type ColumnMap } from '../../server/src/directory/format.js';
import { importDirectory } from '../../server/src/directory/importer.js';
import { registerDirectoryModels } from '../../server/src/directory/model.js';
import { Directory } from '../../server/src/directory/service.js';
import { syntheticLines } from '../../server/src/directory/synthetic.js';
import { createLogger } from '../../server/src/logger.js';

/** What jongodb bears in a few minutes (its writes slow down as a collection grows). */
const JONGODB_DB_LINES = 1_500;

const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    file: { type: 'string' },
    lines: { type: 'string', default: '1000000' },
    'db-lines': { type: 'string' },
    searches: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '1000' },
  },
});

const ms = (t0: number) => performance.now() - t0;
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Writes the first `lines` data lines of the fictitious extract (and its header). */
async function writeExtract(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  let written = -1;
  // More professionals than needed: the file stops at `lines` data lines.
  for (const line of syntheticLines({ professionals: lines, withDemo: false })) {
    if (!out.write(`${line}\r\n`)) await new Promise((resolve) => out.once('drain', resolve));
    if (++written >= lines) break;
  }
  out.end();
  await finished(out);
}

/** Phase 1: the importer's reading of the whole file, with no database. */
async function parsePhase(file: string, batchSize: number) {
  const t0 = performance.now();
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let columns: ColumnMap | undefined;
  let batch: unknown[] = [];
  let read = 0;
  let records = 0;
  for await (const line of lines) {
    if (!columns) {
      columns = mapHeader(line);
      continue;
    }
    read++;
    const outcome = readLine(line, columns);
    if (outcome.kind !== 'record') continue;
    records++;
    batch.push(outcome.record);
    if (batch.length >= batchSize) batch = [];
  }
  return { read, records, ms: ms(t0), peakRssMb: peakMb() };
}

/** Only the first `n` data lines of the file (the stand-in's share), as a stream. */
function firstLines(file: string, n: number): Readable {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  return Readable.from(
    (async function* () {
      let i = -1;
      for await (const line of lines) {
        yield `${line}\n`;
        if (++i >= n) break;
      }
      lines.close();
    })(),
  );
}

/** Phases 2 and 3: import into the database, re-import, then searches. */
async function databasePhase(
  file: string,
  dbLines: number | undefined,
  searches: number,
  batchSize: number,
) {
  const logger = createLogger('warn', false);
  const server = await startDatabase({ uri: process.env.MONGODB_URI, logger });
  const db = await openConnection(server.uri, {
    dbName: `escap_bench_directory_${randomBytes(4).toString('hex')}`,
  });
  try {
    const models = registerDirectoryModels(db);
    const { Professional } = registerAuthModels(db);
    await ensureIndexes(db);
    const n = dbLines ?? (server.engine === 'jongodb' ? JONGODB_DB_LINES : Number.MAX_SAFE_INTEGER);
    const source = () => (n === Number.MAX_SAFE_INTEGER ? file : firstLines(file, n));
    let t0 = performance.now();
    const first = await importDirectory(models, { source: source(), batchSize });
    const importMs = ms(t0);
    const importPeak = peakMb();
    t0 = performance.now();
    const again = await importDirectory(models, { source: source(), batchSize });
    const reimportMs = ms(t0);

    // Names to look for: prefixes of last names present, and "last first" pairs.
    const sample = await models.Line.find({}).limit(2000).lean();
    const directory = new Directory({ models, Professional, signUpMode: 'refuse' });
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < searches; i++) {
      const l = sample[(i * 7919) % sample.length]!;
      const last = l.words[0] ?? 'ma';
      const query =
        i % 3 === 0 ? `${l.lastName} ${l.firstName.slice(0, 2)}` : last.slice(0, 2 + (i % 5));
      const s = performance.now();
      hits += (await directory.search(query)).length;
      times.push(ms(s));
    }
    times.sort((a, b) => a - b);
    return {
      engine: server.engine,
      lines: first.lines,
      imported: first.imported,
      importMs,
      importPeakRssMb: importPeak,
      reimportMs,
      reimportMarkedAbsent: again.markedAbsent,
      searches,
      meanHits: hits / searches,
      p50: pct(times, 50),
      p95: pct(times, 95),
      max: times[times.length - 1]!,
    };
  } finally {
    await db.close();
    await server.stop();
  }
}

function child(args: string[]): Record<string, number | string> {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--import', 'tsx', self, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`phase ${args.join(' ')} failed (${run.status})`);
  const last = run.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as Record<string, number | string>;
}

async function main(): Promise<void> {
  const batch = Number(values.batch);
  if (values.phase === 'parse') {
    console.log(JSON.stringify(await parsePhase(values.file!, batch)));
    return;
  }
  if (values.phase === 'database') {
    const dbLines = values['db-lines'] ? Number(values['db-lines']) : undefined;
    console.log(
      JSON.stringify(await databasePhase(values.file!, dbLines, Number(values.searches), batch)),
    );
    return;
  }
  const lines = Number(values.lines);
  const dir = mkdtempSync(path.join(tmpdir(), 'escap-directory-'));
  const file = path.join(dir, 'PS_LibreAcces_Personne_activite_FICTIF.txt');
  try {
    console.log(
      `machine: ${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    let t0 = performance.now();
    await writeExtract(file, lines);
    console.log(
      `fictitious extract: ${lines} lines, ${(statSync(file).size / 1e6).toFixed(0)} MB, written in ${(ms(t0) / 1000).toFixed(1)} s`,
    );
    const parse = child(['--phase', 'parse', '--file', file, '--batch', String(batch)]);
    console.log(
      `parse (streamed, no database): ${parse.read} lines (${parse.records} records) in ` +
        `${(Number(parse.ms) / 1000).toFixed(1)} s, peak RSS ${parse.peakRssMb} MB`,
    );
    t0 = performance.now();
    const d = child([
      '--phase',
      'database',
      '--file',
      file,
      '--batch',
      String(batch),
      '--searches',
      values.searches,
      ...(values['db-lines'] ? ['--db-lines', values['db-lines']] : []),
    ]);
    console.log(`engine: ${d.engine}${d.engine === 'jongodb' ? ' (stand-in, in memory)' : ''}`);
    console.log(
      `import into the database: ${d.lines} lines (${d.imported} upserted) in ` +
        `${(Number(d.importMs) / 1000).toFixed(1)} s, peak RSS ${d.importPeakRssMb} MB; ` +
        `re-import of the same lines ${(Number(d.reimportMs) / 1000).toFixed(1)} s ` +
        `(${d.reimportMarkedAbsent} marked absent)`,
    );
    console.log(
      `name search (${d.searches} queries, ${Number(d.meanHits).toFixed(1)} professionals each on average): ` +
        `p50 ${Number(d.p50).toFixed(2)} ms, p95 ${Number(d.p95).toFixed(2)} ms, max ${Number(d.max).toFixed(1)} ms`,
    );
    void ms(t0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

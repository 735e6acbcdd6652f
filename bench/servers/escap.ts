// The ESCAP server as the benchmark's "escap" peer: the real app (createApp: express, socket.io,
// session-cookie handshake, membership checks, audit, stored-before-ack note updates) on the
// database that `startDatabase` picks (MONGODB_URI, else a local mongod, else jongodb).
// Bundled by `node scripts/build-server.mjs --bench` and run with plain Node, like `npm start` runs the server.
//
// Environment (set by bench/bench.js):
//   HOST, PORT           where to listen
//   BENCH_ROSTER         JSON [{ docName, clients }]: one ESCAP team per document, one
//                        professional (with a live session) per client slot
//   BENCH_SEED_FILE      where to write { engine, docs: { docName: { teamId, cookies } } }
//   BENCH_STORED_UPDATES optional: a file of Yjs updates ([u32le length][bytes]*) stored as the
//                        note of the first roster document before the server listens (W3 'stored')
//   BENCH_MEMORY_LOG     optional: memory and acknowledgements every second, in the log
//   BENCH_STORED_LAYOUT  'compacted' (default): as the server's own compaction leaves a note, one
//                        snapshot merging the older edits plus the last NOTE_COMPACT_AFTER - 1
//                        edits as update rows; 'raw': every edit as its own update row (the store
//                        before any compaction; slow to write on jongodb: ~270 s for 50,000)
// Prints READY once listening.
//
// Seeding writes professionals, sessions, teams and memberships with the app's own models in bulk
// (sign-up and team creation through the services cost minutes on jongodb for 2,000
// professionals, and are not what is measured). Everything the clients do afterwards goes
// through the real handshake, access checks and note code; a self-check below resolves seeded
// sessions and memberships with the real services before READY.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Types, type Connection } from 'mongoose';
import * as Y from 'yjs';
import { noteDocId } from '../../shared/src/notes.js';
import { PROFESSIONS } from '../../shared/src/professions.js';
import { createApp } from '../../server/src/app.js';
import { countCommands, serveStats } from '../lib/db-stats.js';
import type { ProfessionalDoc, SessionDoc } from '../../server/src/auth/model.js';
import { newSessionToken } from '../../server/src/auth/tokens.js';
import { parseConfig } from '../../server/src/config.js';
import { openConnection } from '../../server/src/db/connection.js';
import { startDatabase } from '../../server/src/db/embedded.js';
import { SESSION_COOKIE } from '../../server/src/http/cookies.js';
import { createLogger } from '../../server/src/logger.js';
import type { NoteSnapshotDoc, NoteUpdateDoc } from '../../server/src/notes/model.js';
import type {
  InclusionDoc,
  MembershipDoc,
  PatientDoc,
  StatusEventDoc,
  TeamDoc,
} from '../../server/src/teams/model.js';

interface RosterEntry {
  docName: string;
  clients: number;
}

const CHUNK = 2000;
const t0 = performance.now();
const cpu0 = process.cpuUsage();

const roster = JSON.parse(process.env.BENCH_ROSTER ?? '[]') as RosterEntry[];
const seedFile = process.env.BENCH_SEED_FILE;
const logger = createLogger(process.env.LOG_LEVEL ?? 'silent', false);

const database = await startDatabase({ uri: process.env.MONGODB_URI, logger });
// A real MongoDB may be shared: every run gets its own database, dropped at exit.
const dbName = database.engine === 'mongodb' ? `escap-bench-${process.pid}-${Date.now()}` : 'escap';
// Production settings: the production checks need MONGODB_URI, SESSION_SECRET and
// STATEMENT_SIGNING_KEY, which are
// given here (the database's URI, a random secret).
const config = parseConfig({
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'production',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  MONGODB_URI: database.uri,
  SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
  STATEMENT_SIGNING_KEY: process.env.STATEMENT_SIGNING_KEY ?? randomBytes(32).toString('base64'),
  DEMO_DATA: 'false',
  // The notes and chat benchmarks measure the sync path at rates no person types at (W1's
  // typists, W3's replayed seed): the fairness limits would refuse them. bench:flood measures
  // the limits themselves.
  RATE_LIMITS: process.env.RATE_LIMITS ?? 'false',
});
const db = await openConnection(database.uri, { dbName, monitorCommands: true });
serveStats(countCommands(db.getClient()));
const app = await createApp({ config, db, logger, engine: database.engine });

const seeded = await seed(db, roster);
const storedUpdates = process.env.BENCH_STORED_UPDATES
  ? await storeUpdates(
      db,
      seeded.first,
      process.env.BENCH_STORED_UPDATES,
      process.env.BENCH_STORED_LAYOUT === 'raw' ? Infinity : config.notes.compactAfter - 1,
    )
  : undefined;
await selfCheck(seeded);

const seedMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
if (seedFile) {
  writeFileSync(
    seedFile,
    JSON.stringify({
      engine: database.engine,
      durable: database.durable,
      nodeEnv: config.env,
      compactAfter: config.notes.compactAfter,
      startAndSeedMs: Math.round(seedMs),
      startAndSeedCpuS: (cpu.user + cpu.system) / 1e6,
      storedUpdates,
      docs: seeded.docs,
    }),
  );
}

app.httpServer.listen(config.port, config.host, () => console.log('READY'));
// BENCH_MEMORY_LOG=1: every second in the server's log, process.memoryUsage() (what a peak is
// made of: the V8 heap, its committed size, or memory outside it) and the edits acknowledged
// that second with their acknowledgement time (from the app's own /metrics histogram, read
// over loopback, which the app answers without a token), to see a write backlog build.
if (process.env.BENCH_MEMORY_LOG) {
  let before = new Map<string, number>();
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1048576);
    fetch(`http://127.0.0.1:${config.port}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        const now = new Map<string, number>();
        const re = /^escap_ack_latency_seconds_bucket\{le="([^"]+)",event="note:update"\} (\d+)/gm;
        for (const [, le, n] of text.matchAll(re)) now.set(le!, Number(n));
        const last = [...now].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const);
        before = now;
        const total = last.at(-1)?.[1] ?? 0;
        const upTo = (q: number) => last.find(([, n]) => n >= q * total)?.[0] ?? '-';
        console.log(
          `memory rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} acks ${total} p50<=${upTo(0.5)}s p95<=${upTo(0.95)}s`,
        );
      })
      .catch(() => undefined);
  }, 1000).unref();
}

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void app
    .close()
    .then(async () => {
      if (database.engine === 'mongodb') {
        const conn = await openConnection(database.uri, { dbName });
        await conn.dropDatabase();
        await conn.close();
      }
    })
    .then(() => database.stop())
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// ----------------------------------------------------------------------------------------------

interface Seeded {
  docs: Record<string, { teamId: string; cookies: string[] }>;
  /** First roster document: W3 stores its updates here. */
  first: { teamId: Types.ObjectId; authorId: Types.ObjectId } | undefined;
  checks: Array<{ token: string; teamId: string }>;
}

async function seed(conn: Connection, entries: RosterEntry[]): Promise<Seeded> {
  // The models createApp registered (their schemas validate and cast every row).
  const Professional: Inserter = conn.model<ProfessionalDoc>('Professional');
  const Session: Inserter = conn.model<SessionDoc>('Session');
  const Team: Inserter = conn.model<TeamDoc>('Team');
  const Patient: Inserter = conn.model<PatientDoc>('Patient');
  const Inclusion: Inserter = conn.model<InclusionDoc>('Inclusion');
  const Membership: Inserter = conn.model<MembershipDoc>('Membership');
  const StatusEvent: Inserter = conn.model<StatusEventDoc>('TeamStatusEvent');
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const expiresAt = new Date(now.getTime() + config.sessionTtlMs);
  const others = PROFESSIONS.filter((p) => p !== 'medecin');

  const pros: Array<Record<string, unknown>> = [];
  const sessions: Array<Record<string, unknown>> = [];
  const teams: Array<Record<string, unknown>> = [];
  const patients: Array<Record<string, unknown>> = [];
  const inclusions: Array<Record<string, unknown>> = [];
  const members: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  const out: Seeded = { docs: {}, first: undefined, checks: [] };

  for (const { docName, clients } of entries) {
    const teamId = new Types.ObjectId();
    const cookies: string[] = [];
    let creator: Types.ObjectId | undefined;
    for (let slot = 0; slot < Math.max(1, clients); slot++) {
      const id = new Types.ObjectId();
      const n = pros.length;
      creator ??= id;
      pros.push({
        _id: id,
        rpps: `9${String(n).padStart(10, '0')}`,
        email: `bench.${n}@bench.escap.invalid`,
        // The creator is the médecin traitant (as in a real creation with `self: true`).
        profession: slot === 0 ? 'medecin' : others[slot % others.length],
        firstName: `Bench${n}`,
        lastName: 'Client',
      });
      const { token, id: sessionId } = newSessionToken();
      sessions.push({ _id: sessionId, professionalId: id, expiresAt });
      members.push({ teamId, professionalId: id, isCreator: slot === 0, joinedAt: now });
      cookies.push(`${SESSION_COOKIE}=${token}`);
      if (slot === 0) out.checks.push({ token, teamId: String(teamId) });
    }
    teams.push({
      _id: teamId,
      createdBy: creator,
      medecinTraitantId: creator,
      status: 'pending',
      consent: { date: today, method: 'oral', recordedBy: creator, recordedAt: now },
    });
    patients.push({
      _id: teamId,
      identity: {
        birthName: 'BENCH',
        firstNames: docName,
        sex: 'F',
        birthDate: '1948-05-12',
        birthPlaceCode: '75056',
      },
    });
    inclusions.push({
      teamId,
      category: 'polypathologie_65',
      gridVersion: config.grid.version,
      score: 20,
      threshold: config.grid.scale.threshold,
      gridItems: config.grid.scale.max,
      recordedBy: creator,
      at: now,
    });
    events.push({ teamId, status: 'pending', at: now });
    out.docs[docName] = { teamId: String(teamId), cookies };
    out.first ??= { teamId, authorId: creator! };
  }

  await insertChunks(Professional, pros);
  await insertChunks(Session, sessions);
  await insertChunks(Team, teams);
  await insertChunks(Patient, patients);
  await insertChunks(Inclusion, inclusions);
  await insertChunks(Membership, members);
  await insertChunks(StatusEvent, events);
  return out;
}

interface Inserter {
  insertMany(docs: Array<Record<string, unknown>>, opts: { ordered: boolean }): Promise<unknown>;
}

async function insertChunks(model: Inserter, docs: Array<Record<string, unknown>>) {
  for (let i = 0; i < docs.length; i += CHUNK) {
    await model.insertMany(docs.slice(i, i + CHUNK), { ordered: true });
  }
}

/**
 * W3 'stored': the fixture's edits stored as the note, as if members had typed them: the older
 * ones merged into one snapshot (Y.mergeUpdates, as the server's compaction does) and the last
 * `tail` as update rows.
 */
async function storeUpdates(
  conn: Connection,
  first: Seeded['first'],
  file: string,
  tail: number,
): Promise<{ edits: number; snapshotBytes: number; updateRows: number; ms: number }> {
  if (!first) throw new Error('BENCH_STORED_UPDATES needs a roster document');
  const t = performance.now();
  const NoteUpdate: Inserter = conn.model<NoteUpdateDoc>('NoteUpdate');
  const NoteSnapshot: Inserter = conn.model<NoteSnapshotDoc>('NoteSnapshot');
  const docId = noteDocId({ teamId: String(first.teamId), doc: 'plan' });
  const buf = readFileSync(file);
  const updates: Uint8Array[] = [];
  for (let o = 0; o < buf.length;) {
    const n = buf.readUInt32LE(o);
    updates.push(buf.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  const at = new Date();
  const split = Math.max(0, updates.length - tail);
  let snapshotBytes = 0;
  if (split > 0) {
    const state = Y.mergeUpdates(updates.slice(0, split));
    snapshotBytes = state.byteLength;
    await insertChunks(NoteSnapshot, [
      { docId, teamId: first.teamId, state: Buffer.from(state), at },
    ]);
  }
  const rows = updates.slice(split).map((u) => ({
    docId,
    teamId: first.teamId,
    update: Buffer.from(u),
    authorId: first.authorId,
    at,
  }));
  await insertChunks(NoteUpdate, rows);
  return {
    edits: updates.length,
    snapshotBytes,
    updateRows: rows.length,
    ms: Math.round(performance.now() - t),
  };
}

/** The seeded sessions and memberships must pass the real checks, or nothing is measured. */
async function selfCheck(s: Seeded): Promise<void> {
  const picks = [s.checks[0], s.checks[s.checks.length - 1]].filter((c) => c !== undefined);
  for (const { token, teamId } of picks) {
    const found = await app.services.auth.resolve(token);
    if (!found) throw new Error('seed self-check: session not resolved');
    await app.services.teams.member(found.professional, teamId);
  }
}

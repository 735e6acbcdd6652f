import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Ack } from '../../shared/src/errors.js';
import { openConnection } from '../../server/src/db/connection.js';
import type { TestApp } from '../helpers/app.js';
import { openNote, waitFor } from '../helpers/notes.js';
import { docFromPieces, noteText, seeded, storedPieces, WireNote } from '../helpers/noteWire.js';
import { databaseUri, freePort, ServerProcess } from '../helpers/serverProcess.js';
import { activeTeam, type ActiveTeam } from '../teamFactories.js';

/**
 * `kill -9` of the real server (its entry point, in a child process) while a member types:
 * every edit that was acknowledged is still there after the restart. The database server runs
 * in another process (the test run's), so it outlives the app.
 */
const ROUNDS = 4;
const rng = seeded(0x5eed);
/** When each kill lands, in stored edits: its own generator, so every run kills at the same counts. */
const killAfter = seeded(0xdead);

const dbName = `escap_crash_${randomBytes(6).toString('hex')}`;
let db: Connection;
let server: ServerProcess;

beforeAll(async () => {
  db = await openConnection(inject('mongoUri'), { dbName });
  server = new ServerProcess(await freePort(), {
    MONGODB_URI: databaseUri(dbName),
    // Small, so that kills also land during compactions.
    NOTE_COMPACT_AFTER: '5',
  });
  await server.start();
}, 60_000);
afterAll(async () => {
  await server.kill();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

/**
 * Types small edits as fast as acknowledgements allow overlap (each sent without waiting for
 * the previous ack), until the socket drops. `done` gives the tokens whose ack said "stored";
 * `acked(n)` resolves once n of them did (when to kill is counted in acks, not in time, so that
 * a slow machine still kills mid-typing with edits stored before).
 */
function typeUntilDisconnected(
  note: WireNote,
  round: number,
): { done: Promise<string[]>; acked(n: number): Promise<void> } {
  const acked: string[] = [];
  const waiters: Array<{ n: number; resolve(): void }> = [];
  const socket = note.live.socket;
  const done = new Promise<string[]>((resolve) => {
    let i = 0;
    const next = () => {
      if (!socket.connected) return;
      const token = `<${round}.${i++}>`;
      const update = note.append(token);
      socket.emit('note:update', { ...note.address, update }, (ack: Ack<{ stored: true }>) => {
        if (!ack.ok) return;
        acked.push(token);
        for (const w of waiters.filter((x) => x.n <= acked.length)) w.resolve();
      });
      // Pacing of the typist (a few ms between keystrokes), not something waited for.
      setTimeout(next, 2 + Math.floor(rng() * 4));
    };
    socket.on('disconnect', () => resolve(acked));
    next();
  });
  return {
    done,
    acked: (n) =>
      acked.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}

describe('notes: kill -9 of the server', () => {
  it('loses no acknowledged edit, whenever the kill lands', { timeout: 90_000 }, async () => {
    const base = { baseUrl: server.baseUrl } as TestApp;
    const { team, creator }: ActiveTeam = await activeTeam(base);
    const acked: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const writer = await WireNote.open(creator, team.id);
      // Everything acknowledged in earlier rounds came back with the join.
      for (const token of acked) expect(writer.text()).toContain(token);

      const typing = typeUntilDisconnected(writer, round);
      // The kill lands after a random number of stored edits, with more in flight (and, with
      // NOTE_COMPACT_AFTER=5, often during a compaction).
      await typing.acked(3 + Math.floor(killAfter() * 60));
      await server.kill();
      const got = await typing.done;
      writer.close();
      acked.push(...got);

      // Straight from the database, before any restart: all acknowledged edits are there.
      const stored = await storedPieces(db, team.id);
      const { doc, clean } = docFromPieces([...stored.snapshots, ...stored.updates]);
      expect(clean).toBe(true);
      const text = noteText(doc);
      expect(acked.filter((token) => !text.includes(token))).toEqual([]);

      await server.start();
    }

    // A fresh client of the restarted server reads every acknowledged edit.
    const fresh = openNote(creator.agent, team.id);
    await waitFor(() => fresh.provider.synced, 10_000);
    expect(acked.filter((token) => !fresh.text().includes(token))).toEqual([]);
    expect(acked.length).toBeGreaterThan(ROUNDS * 2);
    // And it can still write.
    fresh.type(' fin');
    await fresh.saved();
    fresh.close();
  });
});

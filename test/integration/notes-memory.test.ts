import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERROR_MESSAGES } from '../../shared/src/errors.js';
import { openConnection } from '../../server/src/db/connection.js';
import { createLogger } from '../../server/src/logger.js';
import { registerNoteModels } from '../../server/src/notes/model.js';
import { DocRegistry } from '../../server/src/notes/registry.js';
import { NoteStore } from '../../server/src/notes/store.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { storedPieces, WireNote } from '../helpers/noteWire.js';
import { activeTeam } from '../teamFactories.js';

/**
 * The memory budget (NOTE_MEMORY_BUDGET_MB, docs/notes.md "Memory"): above it an instance
 * sheds load by refusing to load more notes, with a clear error, instead of growing; the notes
 * it holds keep working.
 */
describe('notes: memory budget', () => {
  let conn: Connection;
  let registry: DocRegistry;
  let used = 0;
  const MB = 1024 * 1024;
  beforeAll(async () => {
    conn = await openConnection(inject('mongoUri'), {
      dbName: `escap_budget_${randomBytes(6).toString('hex')}`,
    });
    registry = new DocRegistry(
      new NoteStore(registerNoteModels(conn)),
      createLogger('silent', false),
      {
        compactAfter: 500,
        idleMs: 60_000,
        memoryBudgetBytes: 100 * MB,
        memoryUsed: () => used,
      },
    );
  });
  afterAll(async () => {
    await registry.closeAll();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  it('over the budget, a note not held is refused and a held one still served', async () => {
    const teamId = new Types.ObjectId();
    used = 99 * MB;
    const held = await registry.get('team:held', teamId);
    used = 101 * MB;
    await expect(registry.get('team:other', teamId)).rejects.toMatchObject({
      code: 'server_busy',
    });
    expect(await registry.get('team:held', teamId)).toBe(held);
    expect(registry.size).toBe(1);
    // Memory back under the budget: the refused note loads.
    used = 80 * MB;
    expect((await registry.get('team:other', teamId)).id).toBe('team:other');
  });
});

describe('notes: memory budget, end to end', () => {
  let t: TestApp;
  const clients: WireNote[] = [];
  beforeAll(async () => {
    // A budget below any process's memory: every note not yet held is refused.
    t = await startTestApp({ env: { NOTE_MEMORY_BUDGET_MB: '1' } });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => t.close());

  it('a member opening a note gets server_busy with its French message, and nothing is loaded', async () => {
    const { team, creator } = await activeTeam(t);
    const note = await WireNote.open(creator, team.id, false);
    clients.push(note);
    expect(await note.join()).toEqual({
      ok: false,
      error: { code: 'server_busy', message: ERROR_MESSAGES.server_busy },
    });
    expect(t.app.services.registry.size).toBe(0);
  });
});

describe('notes: idle notes unloaded on a setting', () => {
  let t: TestApp;
  beforeAll(async () => {
    // NOTE_IDLE_UNLOAD_MS=0: a note is dropped as soon as nobody has it open.
    t = await startTestApp({ env: { NOTE_IDLE_UNLOAD_MS: '0' } });
  });
  afterAll(() => t.close());

  it('a note nobody has open is compacted and dropped, and opens again with every edit', async () => {
    const { team, creator } = await activeTeam(t);
    const { registry } = t.app.services;
    const docId = `${team.id}:plan`;
    const unloaded = new Promise<void>((resolve) =>
      registry.onUnloaded((id) => id === docId && resolve()),
    );
    const first = await WireNote.open(creator, team.id);
    expect(await first.send(first.append('Tension 12/8'))).toEqual({
      ok: true,
      data: { stored: true },
    });
    expect(registry.size).toBe(1);
    first.close();
    await unloaded;
    expect(registry.size).toBe(0);
    // Unloading compacted the note: one snapshot, no update row left.
    const pieces = await storedPieces(t.db, team.id);
    expect({ snapshots: pieces.snapshots.length, updates: pieces.updates.length }).toEqual({
      snapshots: 1,
      updates: 0,
    });
    const again = await WireNote.open(creator, team.id);
    expect(again.text()).toBe('Tension 12/8');
    again.close();
  });
});

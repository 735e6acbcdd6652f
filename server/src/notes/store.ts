import type { Types } from 'mongoose';
import * as Y from 'yjs';
import { GroupCommit } from '../db/group-commit.js';
import type { NoteModels } from './model.js';

export interface StoredUpdate {
  update: Uint8Array;
  authorId: Types.ObjectId;
  teamId: Types.ObjectId;
  at: Date;
}

/**
 * The note storage pair (docs/notes.md): `load(docId)` gives every stored piece of a
 * document (snapshots then updates, to apply in any order), `store(docId, updates)` appends.
 * Writes are grouped: updates that arrive while a write is in flight go out together in the
 * next `insertMany`, so a burst of keystrokes (or of documents) costs a few round trips, and
 * each caller is resolved only when its own update is in the database.
 */
export class NoteStore {
  /**
   * One writer for all documents: the updates queued while a write is in flight go out
   * together in the next `insertMany`, whatever their document, so the number of database
   * round trips follows the write latency, not the number of edits or of documents.
   */
  private readonly writes: GroupCommit<{ docId: string; entry: StoredUpdate }>;

  constructor(
    private readonly models: NoteModels,
    opts: { lingerMs?: number } = {},
  ) {
    this.writes = new GroupCommit(
      async (batch) => {
        // The driver's own insertMany: the rows are already shaped and checked here
        // (ObjectIds, Buffer, Date), and mongoose's insertMany (casting, timestamps, hooks,
        // even with `lean`) was the heaviest JavaScript on the per-edit path (docs/notes.md).
        await this.models.NoteUpdate.collection.insertMany(
          rowsOf(batch).map(({ docId, entry }) => ({
            docId,
            update: Buffer.from(entry.update),
            authorId: entry.authorId,
            teamId: entry.teamId,
            at: entry.at,
          })),
          { ordered: true },
        );
        return batch.map(() => undefined);
      },
      { lingerMs: opts.lingerMs ?? 0 },
    );
  }

  /**
   * Every piece stored before the call, even while compactions run here or on other instances
   * (see `readPieces`). A piece may come twice (an update and a snapshot that merged it):
   * harmless, Yjs updates are idempotent; `bytes` then counts it twice until the next
   * compaction, which only makes the document size limit stricter for a while.
   */
  async load(docId: string): Promise<{ pieces: Uint8Array[]; bytes: number; updates: number }> {
    const { snapshots, updates } = await this.readPieces(docId);
    const pieces = [
      ...snapshots.map((s) => toBytes(s.state)),
      ...updates.map((u) => toBytes(u.update)),
    ];
    return { pieces, bytes: pieces.reduce((n, p) => n + p.byteLength, 0), updates: updates.length };
  }

  store(docId: string, entry: StoredUpdate): Promise<void> {
    return this.writes.push({ docId, entry });
  }

  /** Resolves once every write queued so far is settled (shutdown, unload, no-op edits). */
  flush(_docId?: string): Promise<void> {
    return this.writes.flush();
  }

  /**
   * Merges a document's snapshot(s) and updates into one snapshot, then removes the pieces it
   * merged. Anything stored meanwhile is not touched. The merged state equals the sum of the
   * pieces (Yjs merge), so the document reads the same before and after. The order of the
   * writes (snapshot first, then deletions of what it merged, by id) is what `readPieces`
   * relies on: do not change it.
   */
  async compact(docId: string, teamId: Types.ObjectId): Promise<{ merged: number; bytes: number }> {
    const { snapshots, updates } = await this.readPieces(docId);
    if (updates.length === 0 && snapshots.length <= 1) return { merged: 0, bytes: 0 };
    const state = Y.mergeUpdates([
      ...snapshots.map((s) => toBytes(s.state)),
      ...updates.map((u) => toBytes(u.update)),
    ]);
    await this.models.NoteSnapshot.create({
      docId,
      teamId,
      state: Buffer.from(state),
      at: new Date(),
    });
    await this.models.NoteSnapshot.deleteMany({ _id: { $in: snapshots.map((s) => s._id) } });
    await this.models.NoteUpdate.deleteMany({ _id: { $in: updates.map((u) => u._id) } });
    return { merged: updates.length, bytes: state.byteLength };
  }

  /**
   * A document's updates, THEN its snapshots: two queries, one after the other, never in
   * parallel nor the other way round. Why this order holds every piece stored before the call,
   * whatever compactions do meanwhile (on this instance or another):
   *
   * - A compaction deletes only pieces it read (by id), and only after it has written a
   *   snapshot that merges them. So an update leaves `noteupdates` only once a snapshot holding
   *   it exists, and a snapshot is deleted only once a newer one holding it exists: from the
   *   moment an update is stored, some document holds it, and once it has left
   *   `noteupdates`, some snapshot holds it, for good.
   * - An update stored before the first query is either read by it, or was deleted before it
   *   was read; then a snapshot holding it existed before the second query started, and one
   *   always exists after, so the second query finds one. (Within that query, a snapshot
   *   deleted under it was first replaced by a newer one, inserted after it, which the scan
   *   of the `docId` index meets later: MongoDB orders the entries of one key by record id,
   *   that is by insertion on the primary we read from.)
   * - Snapshots first (or both at once) loses edits: the snapshots are read before a
   *   compaction writes its own, the updates after it deleted the ones it merged, and those
   *   are in neither answer.
   * - Two compactions at once: each deletes only what it read and merged into the snapshot it
   *   wrote first, so the rule above holds for both, whatever their interleaving; at worst two
   *   snapshots remain (one may merge the other), which the next compaction merges.
   * - A store racing a compaction: the compaction deletes by id what it read, so an update
   *   written after its read stays in `noteupdates`; an update being written while a load
   *   runs was not acknowledged when the load began, so the load owes it nothing.
   *
   * test/integration/notes-store-interleavings.test.ts runs a load against a compaction in
   * every order of their database operations. The price is one round trip more per load
   * (once per document per instance); the write path is untouched.
   */
  private async readPieces(docId: string) {
    const updates = await this.models.NoteUpdate.find({ docId }).sort({ _id: 1 }).lean();
    const snapshots = await this.models.NoteSnapshot.find({ docId }).lean();
    return { snapshots, updates };
  }
}

/**
 * One row per document and author in a batch: the edits one author made to one document while
 * the previous write was out are merged into one update (Yjs merges are exact: the row holds
 * the same content as the edits did). A typist's keystrokes between two writes cost one row,
 * and a backlog (a slow database) shrinks as it grows instead of writing every edit again.
 * Each row keeps one author, so who stored what stays exact; its time is its last edit's.
 */
export function rowsOf(
  batch: { docId: string; entry: StoredUpdate }[],
): { docId: string; entry: StoredUpdate }[] {
  const groups = new Map<string, { docId: string; entries: StoredUpdate[] }>();
  for (const { docId, entry } of batch) {
    const key = `${docId}|${String(entry.authorId)}|${String(entry.teamId)}`;
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { docId, entries: [entry] });
  }
  return [...groups.values()].flatMap(({ docId, entries }) => {
    const last = entries.at(-1)!;
    if (entries.length === 1) return [{ docId, entry: last }];
    let update: Uint8Array;
    try {
      update = Y.mergeUpdates(entries.map((e) => e.update));
    } catch {
      // Checked and applied before they got here, so this is not expected; stored one by one.
      return entries.map((entry) => ({ docId, entry }));
    }
    return [{ docId, entry: { ...last, update } }];
  });
}

/** Mongo returns Binary (or Buffer) for Buffer fields; Yjs wants a plain Uint8Array. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array)
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary.buffer instanceof Uint8Array) return binary.buffer;
  throw new Error('not binary');
}

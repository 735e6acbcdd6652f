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
  private readonly writes = new GroupCommit<{ docId: string; entry: StoredUpdate }>(
    async (batch) => {
      await this.models.NoteUpdate.insertMany(
        batch.map(({ docId, entry }) => ({ docId, ...entry, update: Buffer.from(entry.update) })),
        // Already shaped and checked here (ObjectIds, Buffer, Date): lean skips mongoose's
        // per-document hydration and validation on the hottest write path.
        { ordered: true, lean: true },
      );
      return batch.map(() => undefined);
    },
  );

  constructor(private readonly models: NoteModels) {}

  async load(docId: string): Promise<{ pieces: Uint8Array[]; bytes: number; updates: number }> {
    const [snapshots, updates] = await Promise.all([
      this.models.NoteSnapshot.find({ docId }).lean(),
      this.models.NoteUpdate.find({ docId }).sort({ _id: 1 }).lean(),
    ]);
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
   * pieces (Yjs merge), so the document reads the same before and after.
   */
  async compact(docId: string, teamId: Types.ObjectId): Promise<{ merged: number; bytes: number }> {
    const [snapshots, updates] = await Promise.all([
      this.models.NoteSnapshot.find({ docId }).lean(),
      this.models.NoteUpdate.find({ docId }).sort({ _id: 1 }).lean(),
    ]);
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
}

/** Mongo returns Binary (or Buffer) for Buffer fields; Yjs wants a plain Uint8Array. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array)
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary.buffer instanceof Uint8Array) return binary.buffer;
  throw new Error('not binary');
}

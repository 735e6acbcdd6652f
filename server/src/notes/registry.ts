import type { Types } from 'mongoose';
import * as Y from 'yjs';
import { AppError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { safeError } from '../logger.js';
import type { NoteStore } from './store.js';

/** A document held in memory while sockets use it. */
export interface LiveDoc {
  id: string;
  teamId: Types.ObjectId;
  doc: Y.Doc;
  /**
   * Bytes of the stored pieces (snapshots + updates) plus the updates applied and on their way
   * to the store: the document size limit is checked against it.
   */
  bytes: number;
  /** Updates stored since the last compaction. */
  sinceCompaction: number;
  subscribers: number;
  unloadTimer: NodeJS.Timeout | undefined;
  compacting: boolean;
  /**
   * Dropped from the registry (a write failed, or an update broke it): sockets that opened
   * this copy must open the note again rather than go on editing a copy nobody else sees.
   */
  evicted: boolean;
  /**
   * The whole state, encoded once for every newcomer with an empty copy (a first visit, a
   * cleared browser) until the next edit: encoding a large note costs tens of milliseconds.
   */
  fullState: Uint8Array | undefined;
}

export interface RegistryOptions {
  compactAfter: number;
  /** How long a document with no subscriber stays in memory. */
  idleMs: number;
  /** Told when a copy is loaded (several instances: it asks the others what it lacks). */
  onLoaded?: (live: LiveDoc) => void;
  /**
   * The instance's memory budget in bytes (NOTE_MEMORY_BUDGET_MB): above it, a note not held
   * yet is refused (`server_busy`) rather than loaded; notes held keep working. See
   * docs/notes.md, "Memory".
   */
  memoryBudgetBytes?: number | undefined;
  /** What the budget is compared with: the process's resident memory. */
  memoryUsed?: () => number;
}

/**
 * The documents this instance holds in memory, loaded once from the store (concurrent joins
 * share one load) and dropped when idle, after their writes are flushed. A document whose
 * write failed is dropped at once, so that the next join reloads what is really stored (and
 * the client's sync sends the rest again) rather than serving an unsaved state.
 */
export class DocRegistry {
  private readonly docs = new Map<string, Promise<LiveDoc>>();
  private readonly unloadListeners: ((id: string) => void)[] = [];

  constructor(
    private readonly store: NoteStore,
    private readonly logger: Logger,
    private readonly options: RegistryOptions,
  ) {}

  get(id: string, teamId: Types.ObjectId): Promise<LiveDoc> {
    let live = this.docs.get(id);
    if (!live) {
      const budget = this.options.memoryBudgetBytes;
      const used = this.options.memoryUsed ?? (() => process.memoryUsage.rss());
      if (budget !== undefined && used() > budget) {
        return Promise.reject(new AppError('server_busy'));
      }
      live = this.load(id, teamId);
      this.docs.set(id, live);
      live.then(
        (l) => this.options.onLoaded?.(l),
        () => this.docs.delete(id),
      );
    }
    return live;
  }

  /** Told each time an idle note is dropped from memory (its writes flushed and compacted). */
  onUnloaded(listener: (id: string) => void): void {
    this.unloadListeners.push(listener);
  }

  /** Every copy this instance holds (loaded), for a re-sync after Redis was away. */
  async held(): Promise<LiveDoc[]> {
    const settled = await Promise.allSettled([...this.docs.values()]);
    return settled.flatMap((r) => (r.status === 'fulfilled' && !r.value.evicted ? [r.value] : []));
  }

  /** How many notes this instance holds (loaded or loading). */
  get size(): number {
    return this.docs.size;
  }

  /** The document if this instance holds it (updates from other instances). */
  peek(id: string): Promise<LiveDoc> | undefined {
    return this.docs.get(id);
  }

  subscribe(live: LiveDoc): void {
    live.subscribers += 1;
    clearTimeout(live.unloadTimer);
    live.unloadTimer = undefined;
  }

  unsubscribe(live: LiveDoc): void {
    live.subscribers = Math.max(0, live.subscribers - 1);
    if (live.subscribers === 0 && !live.unloadTimer) {
      live.unloadTimer = setTimeout(() => void this.unload(live), this.options.idleMs);
      live.unloadTimer.unref();
    }
  }

  evict(id: string): void {
    const live = this.docs.get(id);
    this.docs.delete(id);
    void live?.then((l) => {
      l.evicted = true;
      clearTimeout(l.unloadTimer);
      l.doc.destroy();
    });
  }

  /** Counts a stored update (its bytes were counted when applied); compacts past the threshold. */
  stored(live: LiveDoc): void {
    live.sinceCompaction += 1;
    if (live.sinceCompaction >= this.options.compactAfter) void this.compact(live);
  }

  async compact(live: LiveDoc): Promise<void> {
    if (live.compacting) return;
    live.compacting = true;
    try {
      await this.store.flush(live.id);
      const before = live.sinceCompaction;
      const bytesBefore = live.bytes;
      const { merged, bytes } = await this.store.compact(live.id, live.teamId);
      if (merged > 0 || bytes > 0) {
        live.sinceCompaction = Math.max(0, live.sinceCompaction - before);
        // Edits applied while compacting are not in the snapshot: keep counting them.
        live.bytes = bytes + Math.max(0, live.bytes - bytesBefore);
        this.logger.debug({ docId: live.id, merged, bytes }, 'note compacted');
      }
    } catch (err) {
      this.logger.error({ err: safeError(err), docId: live.id }, 'note compaction failed');
    } finally {
      live.compacting = false;
    }
  }

  /** Flushes every pending write and forgets all documents (shutdown). */
  async closeAll(): Promise<void> {
    await this.store.flush();
    for (const live of this.docs.values()) {
      void live.then((l) => {
        clearTimeout(l.unloadTimer);
        l.doc.destroy();
      });
    }
    this.docs.clear();
  }

  private async load(id: string, teamId: Types.ObjectId): Promise<LiveDoc> {
    const { pieces, bytes, updates } = await this.store.load(id);
    const doc = new Y.Doc({ gc: true });
    // Pieces were validated before they were stored; applying them in one transaction is fast.
    doc.transact(() => {
      for (const piece of pieces) Y.applyUpdate(doc, piece);
    });
    const live: LiveDoc = {
      id,
      teamId,
      doc,
      bytes,
      sinceCompaction: updates,
      subscribers: 0,
      unloadTimer: undefined,
      compacting: false,
      evicted: false,
      fullState: undefined,
    };
    // After each transaction, not on 'update': an 'update' listener makes Yjs encode every
    // transaction's update for it, a cost per edit for bytes nobody reads here. A transaction
    // that changed nothing also drops the cache; the next newcomer encodes it again.
    doc.on('afterTransaction', () => {
      live.fullState = undefined;
    });
    return live;
  }

  private async unload(live: LiveDoc): Promise<void> {
    live.unloadTimer = undefined;
    // An evicted copy must not unload its successor (same id) from the registry.
    if (live.subscribers > 0 || live.evicted || this.docs.get(live.id) === undefined) return;
    await this.store.flush(live.id);
    if (live.sinceCompaction > 0) await this.compact(live);
    if (live.subscribers > 0) return;
    this.docs.delete(live.id);
    live.doc.destroy();
    for (const listener of this.unloadListeners) listener(live.id);
  }
}

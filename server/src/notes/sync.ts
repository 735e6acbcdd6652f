import * as Y from 'yjs';
import { encodeRelay, noteAddressOf, noteRoom } from '../../../shared/src/notes.js';
import { safeError, type Logger } from '../logger.js';
import type { AppServer } from '../realtime/io.js';
import type { RedisLink } from '../realtime/redis.js';
import { readAwareness } from './awareness.js';
import type { BusMessage, NoteBus } from './bus.js';
import type { NotePresence } from './presence.js';
import type { DocRegistry, LiveDoc } from './registry.js';
import type { NoteStore } from './store.js';

export interface Author {
  id: string;
  name: string;
}

/** The author shown for what an instance sends another to catch it up (no single author). */
const CATCH_UP: Author = { id: '', name: '' };

/**
 * Keeps this instance's copies of the notes in step with the other instances'
 * (docs/notes.md, "Several instances"). MongoDB is the truth, Redis carries the traffic:
 * - an edit accepted here is applied, relayed to this instance's sockets, and published; each
 *   instance holding the note applies it to its copy and relays it to ITS sockets in the same
 *   step, so a socket that joins a room there either finds the edit in the copy or receives it;
 * - a copy just loaded from MongoDB asks the others what it lacks (edits on their way to the
 *   database when it read), and they answer with it;
 * - when Redis comes back after being away, every held copy is read again from MongoDB (all
 *   acknowledged edits are there) and asks the others again; what it gained is relayed to its
 *   sockets. So no instance serves a note without an acknowledged edit once Redis is back.
 */
export class NoteSync {
  constructor(
    private readonly deps: {
      io: AppServer;
      registry: DocRegistry;
      store: NoteStore;
      bus: NoteBus;
      presence: NotePresence;
      logger: Logger;
      link?: RedisLink | undefined;
    },
  ) {
    deps.bus.onMessage((docId, message) => this.receive(docId, message));
    deps.link?.on('up', () => {
      this.resyncAll().catch((err: unknown) =>
        deps.logger.error({ err: safeError(err) }, 'note re-sync failed'),
      );
    });
  }

  /** A copy was loaded: ask the other instances for what it lacks. */
  readonly loaded = (live: LiveDoc): void => {
    this.deps.bus.publish(live.id, { kind: 'sync', stateVector: Y.encodeStateVector(live.doc) });
  };

  /** An edit accepted on this instance, for the others. */
  published(live: LiveDoc, update: Uint8Array, author: Author): void {
    this.deps.bus.publish(live.id, { kind: 'update', update, author });
  }

  awareness(docId: string, update: Uint8Array): void {
    this.deps.bus.publish(docId, { kind: 'awareness', update });
  }

  /** Every held copy read again from MongoDB, then the other instances asked again. */
  async resyncAll(): Promise<void> {
    for (const live of await this.deps.registry.held()) {
      const { pieces } = await this.deps.store.load(live.id);
      const before = Y.encodeStateVector(live.doc);
      this.applyAll(live, pieces);
      const gained = Y.encodeStateAsUpdate(live.doc, before);
      if (hasContent(gained)) this.relay(live, gained, CATCH_UP);
      this.loaded(live);
    }
  }

  private receive(docId: string, message: BusMessage): void {
    const held = this.deps.registry.peek(docId);
    if (!held) return;
    held.then(
      (live) => {
        if (live.evicted) return;
        switch (message.kind) {
          case 'update':
            if (this.applyAll(live, [message.update]))
              this.relay(live, message.update, message.author);
            return;
          case 'awareness':
            this.relayAwareness(live, message.update);
            return;
          case 'sync': {
            const missing = Y.encodeStateAsUpdate(live.doc, message.stateVector);
            if (hasContent(missing))
              this.deps.bus.publish(docId, { kind: 'update', update: missing, author: CATCH_UP });
            return;
          }
        }
      },
      () => undefined,
    );
  }

  /**
   * Applies updates another instance checked before accepting them. Returns whether the copy
   * changed. One that does not apply drops the copy: the next join reloads it from MongoDB.
   */
  private applyAll(live: LiveDoc, updates: Uint8Array[]): boolean {
    let changed = false;
    const mark = () => (changed = true);
    live.doc.on('update', mark);
    try {
      live.doc.transact(() => {
        for (const u of updates) Y.applyUpdate(live.doc, u, 'remote');
      }, 'remote');
    } catch (err) {
      this.deps.logger.warn({ err: safeError(err), docId: live.id }, 'remote note update refused');
      this.deps.registry.evict(live.id);
      return false;
    } finally {
      live.doc.off('update', mark);
    }
    if (changed) live.bytes += updates.reduce((n, u) => n + u.byteLength, 0);
    return changed;
  }

  private relay(live: LiveDoc, update: Uint8Array, author: Author): void {
    const address = addressOf(live.id);
    if (!address) return;
    this.deps.io.local
      .to(noteRoom(address))
      .emit('note:update', { ...address, update: encodeRelay(update), author });
  }

  private relayAwareness(live: LiveDoc, update: Uint8Array): void {
    const address = addressOf(live.id);
    const read = readAwareness(update);
    if (!address || !read) return;
    const relayed = encodeRelay(update);
    // Remembered for newcomers here, as the speaker its client ids name (a removal forgets it).
    const speaker = `remote:${[...read.clients].sort((a, b) => a - b).join(',')}`;
    if (read.removal) this.deps.presence.forget(live.id, speaker);
    else this.deps.presence.remember(live.id, speaker, relayed, true);
    this.deps.io.local
      .to(noteRoom(address))
      .emit('note:awareness', { ...address, update: relayed });
  }
}

/** The update of a document with nothing in it: two empty lists. */
const hasContent = (update: Uint8Array) =>
  !(update.byteLength === 2 && update[0] === 0 && update[1] === 0);

const addressOf = noteAddressOf;

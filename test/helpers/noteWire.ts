import type { Connection } from 'mongoose';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Ack } from '../../shared/src/errors.js';
import { decodeRelay, NOTE_FRAGMENT, type NoteAddress } from '../../shared/src/notes.js';
import type { NoteJoinView } from '../../shared/src/views.js';
import { toBytes } from '../../server/src/notes/store.js';
import { connect, type LiveClient, type Pro } from '../teamFactories.js';
import { fragmentText } from './notes.js';

/**
 * A note client speaking the wire protocol by hand (no provider): each edit is one update
 * with its own acknowledgement, and anything can be emitted, well-formed or not.
 */
export class WireNote {
  readonly doc = new Y.Doc();
  readonly address: NoteAddress;

  constructor(
    readonly live: LiveClient,
    teamId: string,
  ) {
    this.address = { teamId, doc: 'plan' };
    live.socket.on('note:update', (p) => {
      if (p.teamId === teamId && p.doc === 'plan')
        Y.applyUpdate(this.doc, decodeRelay(p.update), 'remote');
    });
  }

  static async open(pro: Pro, teamId: string, join = true): Promise<WireNote> {
    const note = new WireNote(await connect(pro), teamId);
    note.live.clear();
    if (join) {
      const ack = await note.join();
      if (!ack.ok) throw new Error(`join refused: ${ack.error.code}`);
    }
    return note;
  }

  /** Sync step 1 out, the server's step 2 applied (what the server's step 1 asks is not sent). */
  async join(): Promise<Ack<NoteJoinView>> {
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    const ack = (await this.emit('note:join', {
      ...this.address,
      message: encoding.toUint8Array(encoder),
    })) as Ack<NoteJoinView>;
    if (ack.ok) {
      const step2 = ack.data.messages[0];
      if (step2) {
        const decoder = decoding.createDecoder(new Uint8Array(step2));
        syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.doc, 'remote');
      }
    }
    return ack;
  }

  /** Emits any event with any payload and waits for its acknowledgement. */
  emit(event: string, payload: unknown, timeoutMs = 5000): Promise<unknown> {
    return this.live.socket
      .timeout(timeoutMs)
      .emitWithAck(event as 'note:update', payload as never);
  }

  /** Makes an edit in the local document and returns its update (not sent). */
  edit(change: (fragment: Y.XmlFragment) => void): Uint8Array {
    let update: Uint8Array | undefined;
    const grab = (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') update = u;
    };
    this.doc.on('update', grab);
    this.doc.transact(() => change(this.doc.getXmlFragment(NOTE_FRAGMENT)));
    this.doc.off('update', grab);
    if (!update) throw new Error('the edit changed nothing');
    return update;
  }

  /** Types at the end of the last paragraph (one transaction, one update). */
  append(text: string): Uint8Array {
    return this.edit((fragment) => appendText(fragment, text));
  }

  send(update: Uint8Array, timeoutMs = 5000): Promise<Ack<{ stored: true }>> {
    return this.emit('note:update', { ...this.address, update }, timeoutMs) as Promise<
      Ack<{ stored: true }>
    >;
  }

  text(): string {
    return fragmentText(this.doc.getXmlFragment(NOTE_FRAGMENT));
  }

  close(): void {
    this.live.close();
  }
}

export function appendText(fragment: Y.XmlFragment, text: string): void {
  let paragraph = fragment.get(fragment.length - 1) as Y.XmlElement | undefined;
  if (!paragraph) {
    paragraph = new Y.XmlElement('paragraph');
    fragment.push([paragraph]);
    paragraph.push([new Y.XmlText()]);
  }
  const t = paragraph.get(0) as Y.XmlText;
  t.insert(t.length, text);
}

export const noteText = (doc: Y.Doc) => fragmentText(doc.getXmlFragment(NOTE_FRAGMENT));

/**
 * Every stored piece of a note, straight from the collections. The updates are read first and
 * the snapshots after, never both at once: a compaction running meanwhile writes its snapshot
 * before it deletes what it merged, so this order misses nothing (NoteStore's `readPieces`
 * gives the whole argument); in parallel, an edit could be in neither answer.
 */
export async function storedPieces(
  db: Connection,
  teamId: string,
): Promise<{ snapshots: Uint8Array[]; updates: Uint8Array[]; authors: string[] }> {
  const docId = `${teamId}:plan`;
  const updates = await db.collection('noteupdates').find({ docId }).sort({ _id: 1 }).toArray();
  const snapshots = await db.collection('notesnapshots').find({ docId }).toArray();
  return {
    snapshots: snapshots.map((s) => toBytes(s.state)),
    updates: updates.map((u) => toBytes(u.update)),
    authors: updates.map((u) => String(u.authorId)),
  };
}

/**
 * The document the stored pieces make, and whether they all apply cleanly: nothing left
 * pending (an update needing something never stored) and nothing throwing.
 */
export function docFromPieces(pieces: Uint8Array[]): { doc: Y.Doc; clean: boolean } {
  const doc = new Y.Doc();
  let threw = false;
  doc.transact(() => {
    for (const piece of pieces) {
      try {
        Y.applyUpdate(doc, piece);
      } catch {
        threw = true;
      }
    }
  });
  const clean = !threw && doc.store.pendingStructs === null && doc.store.pendingDs === null;
  return { doc, clean };
}

/** Same content and same history: state vectors and full states equal. */
export function sameState(a: Y.Doc, b: Y.Doc): boolean {
  const eq = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
  return (
    eq(Y.encodeStateVector(a), Y.encodeStateVector(b)) &&
    eq(
      Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)),
      Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)),
    ) &&
    noteText(a) === noteText(b)
  );
}

/** A small deterministic generator (mulberry32), so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Polls an asynchronous check (a database query: nothing to await in another process's
 * background work) until it holds, with a deadline that only turns "never" into a failure.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

import * as Y from 'yjs';
import { AppError } from '../http/errors.js';

/**
 * Checks an update from a client before it touches the shared document: it must parse as a
 * Yjs update, and it must not depend on operations the server has never seen. Such an update
 * would sit in memory as "pending" forever (a lever for exhausting memory, and never a legit
 * client's, which is always synced before it sends), and it would be stored and acknowledged
 * while nobody can read it.
 *
 * "Depends" covers every reference an update makes: where each client's structs start, the
 * neighbours (origin, right origin) and parent each inserted item names, gaps (Skip) inside
 * the update, and the items its deletions point to. All must be in the document already or
 * in the update itself.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, maxBytes: number): void {
  if (update.byteLength === 0) throw invalid();
  if (update.byteLength > maxBytes) throw new AppError('update_too_large');
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    // Decoded once: where each client's structs start and end is read from the structs
    // themselves (Y.parseUpdateMeta would decode the whole update a second time per edit).
    decoded = Y.decodeUpdate(update);
  } catch {
    throw invalid();
  }
  // What the document holds, per client: every clock below this (read from the store; encoding
  // and decoding its whole state vector per edit cost as much as the check itself).
  const known = (client: number) => Y.getState(doc.store, client);
  // Where each client's structs start (the lowest clock) and end (the highest).
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const { id, length } of decoded.structs) {
    const start = from.get(id.client);
    if (start === undefined || id.clock < start) from.set(id.client, id.clock);
    to.set(id.client, Math.max(to.get(id.client) ?? 0, id.clock + length));
  }
  // What the document holds once the update is in: for each client, every clock below this.
  const reach = new Map<number, number>();
  for (const [client, clock] of from) {
    const have = known(client);
    const end = to.get(client) ?? 0;
    if (clock > have || end > MAX_CLOCK) throw invalid();
    reach.set(client, Math.max(have, end));
  }
  const reachOf = (client: number) => reach.get(client) ?? known(client);
  const has = (id: Y.ID | null) => id === null || id.clock < reachOf(id.client);
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) {
      // A gap in the update: what follows it needs the missing range, which we must hold.
      if (struct.id.clock + struct.length > known(struct.id.client)) throw invalid();
    } else if (struct instanceof Y.Item) {
      const parent = struct.parent;
      if (!has(struct.origin) || !has(struct.rightOrigin)) throw invalid();
      if (parent instanceof Y.ID && !has(parent)) throw invalid();
    }
  }
  // Deleting unknown items would be kept aside as "pending deletions", the same lever.
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) {
      if (clock + len > reachOf(client)) throw invalid();
    }
  }
}

const invalid = () => new AppError('invalid_update');

/**
 * A client's clock counts the characters and elements it ever inserted in this document:
 * nobody types four billion. Deleted content and GC ranges declare a length without carrying
 * it, so a few bytes could claim a range up to 2^53, where clock arithmetic loses precision.
 */
export const MAX_CLOCK = 2 ** 32;

/** What an update changed in a document, for "who wrote what". */
export interface UpdateEffect {
  /** The text it added (and that is still there once it is in). */
  inserted: string;
  /** How many characters or elements that were there before it deleted. */
  deleted: number;
  /** Whether it changed anything at all (formatting counts). */
  changed: boolean;
}

/**
 * Applies an update and says what it changed, read from the transaction rather than from the
 * update: an update also carries what the document already holds (a client's resync sends
 * its whole delete set, everyone's past deletions included, and may repeat known text), which
 * is no edit of its sender's. Counting the update itself credited whoever reconnected with
 * every deletion ever made.
 */
export function applyAndDescribe(doc: Y.Doc, update: Uint8Array, origin: unknown): UpdateEffect {
  let effect: UpdateEffect = { inserted: '', deleted: 0, changed: false };
  Y.transact(
    doc,
    (tr) => {
      Y.applyUpdate(doc, update, origin);
      effect = describeTransaction(tr);
    },
    origin,
  );
  return effect;
}

function describeTransaction(tr: Y.Transaction): UpdateEffect {
  let inserted = '';
  let lastParent: unknown;
  let changed = false;
  for (const [client, structs] of tr.doc.store.clients) {
    const before = tr.beforeState.get(client) ?? 0;
    if (Y.getState(tr.doc.store, client) <= before) continue;
    changed = true;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (
        struct instanceof Y.Item &&
        !struct.deleted &&
        struct.content instanceof Y.ContentString
      ) {
        // Text of another paragraph than the previous piece: keep the words apart.
        if (inserted && struct.parent !== lastParent) inserted += ' ';
        inserted += struct.content.str;
        lastParent = struct.parent;
      }
    }
  }
  // Deletions of what existed before the update (not of what it inserted itself).
  let deleted = 0;
  for (const [client, ranges] of tr.deleteSet.clients) {
    const before = tr.beforeState.get(client) ?? 0;
    for (const { clock, len } of ranges)
      deleted += Math.max(0, Math.min(clock + len, before) - clock);
  }
  return { inserted, deleted, changed: changed || deleted > 0 };
}

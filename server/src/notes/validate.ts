import * as Y from 'yjs';
import { AppError } from '../http/errors.js';

/**
 * Checks an update from a client before it touches the shared document: it must parse as a
 * Yjs update, and it must not depend on operations the server has never seen (such an update
 * would sit in memory as "pending" forever: a lever for exhausting memory, and never a legit
 * client's, which is always synced before it sends).
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, maxBytes: number): void {
  if (update.byteLength === 0) throw new AppError('invalid_update', 400);
  if (update.byteLength > maxBytes) throw new AppError('update_too_large', 413);
  let from: Map<number, number>;
  try {
    from = Y.parseUpdateMeta(update).from;
    Y.decodeUpdate(update);
  } catch {
    throw new AppError('invalid_update', 400);
  }
  const known = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of from) {
    if (clock > (known.get(client) ?? 0)) throw new AppError('invalid_update', 400);
  }
}

/** What an update writes, for "who wrote what": the text it inserts and how much it deletes. */
export function describeUpdate(update: Uint8Array): { inserted: string; deleted: number } {
  const { structs, ds } = Y.decodeUpdate(update);
  let inserted = '';
  for (const struct of structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentString)
      inserted += struct.content.str;
  }
  let deleted = 0;
  for (const items of ds.clients.values()) for (const item of items) deleted += item.len;
  return { inserted, deleted };
}

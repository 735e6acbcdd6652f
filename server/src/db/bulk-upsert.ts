import { isDuplicateKey } from './errors.js';

/**
 * Writes grouped entries (counters, read positions) as one ordered bulk write of each entry's
 * operations, upserts included. Two instances can race to insert the same row: the loser's
 * upsert fails with a duplicate key. The entries before it are written by then; those from it on
 * are written one by one, and one that loses again is written without its upsert (the row now
 * exists). Any other error fails the whole call.
 *
 * `ops(entry, true)` are the entry's operations with their upsert; `ops(entry, false)` the same
 * without it.
 */
export async function bulkUpsert<E, Op>(
  model: { bulkWrite(ops: Op[], options: { ordered: true }): Promise<unknown> },
  entries: E[],
  ops: (entry: E, upsert: boolean) => Op[],
): Promise<void> {
  const perEntry = entries.map((e) => ops(e, true));
  try {
    await model.bulkWrite(perEntry.flat(), { ordered: true });
  } catch (err) {
    const failed = (err as { writeErrors?: { index: number }[] }).writeErrors?.[0];
    if (!isDuplicateKey(err) || !failed) throw err;
    // The entry holding the failed operation: the first whose operations reach past its index.
    let first = 0;
    let end = perEntry[0]!.length;
    while (end <= failed.index) end += perEntry[++first]!.length;
    for (const entry of entries.slice(first)) {
      try {
        await model.bulkWrite(ops(entry, true), { ordered: true });
      } catch (again) {
        if (!isDuplicateKey(again)) throw again;
        await model.bulkWrite(ops(entry, false), { ordered: true });
      }
    }
  }
}

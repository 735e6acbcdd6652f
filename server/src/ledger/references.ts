import type { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../db/errors.js';
import { newReference } from './codes.js';
import type { LedgerReferenceDoc } from './model.js';

/**
 * The pseudonymous references of these teams, drawn and stored on first use. Two first uses at
 * once both try to insert: the unique `_id` lets one win and the other reads the winner's.
 */
export async function referencesFor(
  LedgerReference: Model<LedgerReferenceDoc>,
  teamIds: Types.ObjectId[],
): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  if (teamIds.length === 0) return refs;
  for (const r of await LedgerReference.find({ _id: { $in: teamIds } }).lean())
    refs.set(String(r._id), r.reference);
  for (const id of teamIds) {
    if (refs.has(String(id))) continue;
    for (let attempt = 0; attempt < 5 && !refs.has(String(id)); attempt++) {
      const reference = newReference();
      try {
        await LedgerReference.create({ _id: id, reference });
        refs.set(String(id), reference);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Either another request drew this team's reference first, or (40 random bits, so
        // hardly ever) the reference is taken: read, and draw again if still missing.
        const existing = await LedgerReference.findById(id).lean();
        if (existing) refs.set(String(id), existing.reference);
      }
    }
    if (!refs.has(String(id))) throw new Error('could not draw a ledger reference');
  }
  return refs;
}

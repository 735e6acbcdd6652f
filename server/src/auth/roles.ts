import type { Model } from 'mongoose';
import type { Role } from '../../../shared/src/schemas/auth.js';
import type { ProfessionalDoc } from './model.js';

/**
 * Grants or revokes a platform role by e-mail (the `npm run gestionnaire` command; no HTTP
 * route ever changes roles). The whole list is written with $set: array operators such as
 * $addToSet are not on every engine we run on (docs/database.md). Returns the professional, or
 * undefined when no account has this e-mail.
 */
export async function setRole(
  Professional: Model<ProfessionalDoc>,
  email: string,
  role: Role,
  granted: boolean,
): Promise<ProfessionalDoc | undefined> {
  const doc = await Professional.findOne({ email: email.trim().toLowerCase() }).lean();
  if (!doc) return undefined;
  const others = (doc.roles ?? []).filter((r) => r !== role);
  const roles = granted ? [...others, role] : others;
  await Professional.updateOne({ _id: doc._id }, { $set: { roles } });
  return { ...doc, roles };
}

/**
 * `npm run gestionnaire -- --email x@y [--revoke]`: gives (or takes back) the gestionnaire
 * role, which reads the platform's participation report. Works on the database named by
 * MONGODB_URI: the embedded database of `npm start` lives inside that process (its demo data
 * already has a gestionnaire account).
 */
import { parseArgs } from 'node:util';
import { registerAuthModels } from './model.js';
import { setRole } from './roles.js';
import { openConnection } from '../db/connection.js';

const { values } = parseArgs({
  options: { email: { type: 'string' }, revoke: { type: 'boolean', default: false } },
});
const uri = process.env.MONGODB_URI;
if (!values.email || !uri) {
  console.error('Usage: MONGODB_URI=mongodb://… npm run gestionnaire -- --email x@y [--revoke]');
  process.exit(2);
}
const db = await openConnection(uri);
try {
  const { Professional } = registerAuthModels(db);
  const doc = await setRole(Professional, values.email, 'gestionnaire', !values.revoke);
  if (!doc) {
    console.error(`No professional with the e-mail ${values.email}.`);
    process.exitCode = 1;
  } else {
    console.log(
      `${doc.firstName} ${doc.lastName} (RPPS ${doc.rpps}): roles ${JSON.stringify(doc.roles)}`,
    );
  }
} finally {
  await db.close();
}

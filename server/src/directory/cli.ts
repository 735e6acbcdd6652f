/**
 * `npm run directory:import FILE`: imports (or re-imports, as an update) the Annuaire Santé's
 * PS_LibreAcces_Personne_activite file, unzipped, into the database named by MONGODB_URI
 * (docs/identity.md, "Directory"). `npm start`'s embedded database lives inside that process:
 * there, set DIRECTORY_FILE instead and the server imports the file at start-up.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureIndexes, openConnection } from '../db/connection.js';
import { importDirectory } from './importer.js';
import { registerDirectoryModels } from './model.js';

const file = process.argv[2];
const uri = process.env.MONGODB_URI;
if (!file || !uri) {
  console.error(
    'Usage: MONGODB_URI=mongodb://… npm run directory:import PS_LibreAcces_Personne_activite_….txt',
  );
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`No such file: ${file}`);
  process.exit(2);
}
const db = await openConnection(uri);
try {
  const models = registerDirectoryModels(db);
  await ensureIndexes(db);
  const started = performance.now();
  const report = await importDirectory(models, {
    source: file,
    sourceName: path.basename(file),
    onProgress: (lines) => {
      if (lines % 100_000 < 1000) console.log(`${lines} lines…`);
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Imported ${report.imported} lines of ${report.lines} in ${seconds} s ` +
      `(skipped: ${report.skipped.notRpps} not RPPS, ${report.skipped.invalid} invalid; ` +
      `marked absent: ${report.markedAbsent}).`,
  );
} finally {
  await db.close();
}

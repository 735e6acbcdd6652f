import { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import { safeError } from '../logger.js';
import { importDirectory } from './importer.js';
import type { DirectoryModels } from './model.js';
import { syntheticLines } from './synthetic.js';

/** Professionals of the fictitious extract `npm start` loads. */
export const SYNTHETIC_PROFESSIONALS = 400;

/**
 * What `npm start` does with the directory (docs/identity.md, "Directory"): a file named by
 * DIRECTORY_FILE is imported in the background (the app works meanwhile, with the directory
 * it had); otherwise, when DIRECTORY_SYNTHETIC is on and no directory was ever imported, the
 * FICTITIOUS extract is loaded, awaited (a few hundred lines), and said loudly.
 */
export async function loadDirectoryAtStart(
  models: DirectoryModels,
  settings: { synthetic: boolean; file: string | undefined },
  logger: Logger,
): Promise<void> {
  if (settings.file) {
    const file = settings.file;
    logger.info({ file }, 'directory import started');
    importDirectory(models, { source: file })
      .then((report) => logger.info({ ...report, file }, 'directory imported'))
      .catch((err: unknown) =>
        logger.error({ err: safeError(err), file }, 'directory import failed'),
      );
    return;
  }
  if (!settings.synthetic) return;
  const real = await models.Import.exists({ finishedAt: { $ne: null }, synthetic: false });
  if (real) return;
  const report = await importDirectory(models, {
    source: Readable.from(
      (function* () {
        for (const line of syntheticLines({ professionals: SYNTHETIC_PROFESSIONALS }))
          yield `${line}\n`;
      })(),
    ),
    sourceName: 'annuaire fictif (npm start)',
    synthetic: true,
  });
  logger.info(
    `\n  FICTITIOUS DIRECTORY — ${report.imported} made-up lines in the Annuaire Santé layout, ` +
      `not real professionals.\n  Sign-ups are checked against it; import the real extract with ` +
      `DIRECTORY_FILE or \`npm run directory:import\` (docs/identity.md).`,
  );
}

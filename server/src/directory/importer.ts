import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AnyBulkWriteOperation } from 'mongoose';
import {
  DirectoryFormatError,
  mapHeader,
  readLine,
  type ColumnMap,
  type DirectoryRecord,
} from './format.js';
import type { DirectoryLineDoc, DirectoryModels } from './model.js';

export interface ImportOptions {
  /** Where the lines come from: a file path, or a stream of the file's bytes. */
  source: string | Readable;
  /** Shown in the import's record (a file name). */
  sourceName?: string;
  /** The fictitious extract of `npm start`. */
  synthetic?: boolean;
  /** Lines upserted per bulk write. */
  batchSize?: number;
  now?: () => Date;
  onProgress?: (lines: number) => void;
}

export interface ImportReport {
  importId: string;
  /** Data lines read (the header excluded). */
  lines: number;
  /** Lines upserted (RPPS lines that are well formed). */
  imported: number;
  /** Lines of another identifier type (ADELI), and lines refused (bad RPPS, empty name…). */
  skipped: { notRpps: number; invalid: number };
  /** Lines of earlier imports not in this one, marked absent now. */
  markedAbsent: number;
}

/**
 * Imports a PS_LibreAcces_Personne_activite file (docs/identity.md, "Directory"): read as a
 * stream, line by line, upserted in ordered batches, so memory stays flat whatever the file's
 * size. Re-importing is an update: a line seen again is kept (and revived if it was absent),
 * a line of the earlier imports that this one does not have is marked absent, not deleted.
 * Lines are marked absent only once the whole file was read: an import that stops half-way
 * leaves the directory as it was, plus the lines it upserted.
 */
export async function importDirectory(
  models: DirectoryModels,
  options: ImportOptions,
): Promise<ImportReport> {
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 1000;
  const importId = `${now().toISOString()}-${randomBytes(4).toString('hex')}`;
  const sourceName =
    options.sourceName ?? (typeof options.source === 'string' ? options.source : 'stream');
  await models.Import.create({
    _id: importId,
    source: sourceName,
    synthetic: options.synthetic ?? false,
    startedAt: now(),
  });

  const input =
    typeof options.source === 'string'
      ? createReadStream(options.source, { encoding: 'utf8' })
      : options.source.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });

  const report: ImportReport = {
    importId,
    lines: 0,
    imported: 0,
    skipped: { notRpps: 0, invalid: 0 },
    markedAbsent: 0,
  };
  let columns: ColumnMap | undefined;
  let batch: DirectoryRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const ops = batch.map((r) => upsert(r, importId));
    batch = [];
    await models.Line.bulkWrite(ops, { ordered: false });
  };

  for await (const line of lines) {
    if (columns === undefined) {
      columns = mapHeader(line);
      continue;
    }
    if (line.trim() === '') continue;
    report.lines++;
    const outcome = readLine(line, columns);
    if (outcome.kind === 'skipped') {
      if (outcome.reason === 'not_rpps') report.skipped.notRpps++;
      else report.skipped.invalid++;
      continue;
    }
    batch.push(outcome.record);
    report.imported++;
    if (batch.length >= batchSize) {
      await flush();
      options.onProgress?.(report.lines);
    }
  }
  if (columns === undefined) throw new DirectoryFormatError('empty file: no header line');
  await flush();

  const absent = await models.Line.updateMany(
    { importId: { $ne: importId }, absentSince: null },
    { $set: { absentSince: now() } },
  );
  report.markedAbsent = absent.modifiedCount;
  await models.Import.updateOne(
    { _id: importId },
    { $set: { finishedAt: now(), lines: report.lines, absent: report.markedAbsent } },
  );
  return report;
}

function upsert(r: DirectoryRecord, importId: string): AnyBulkWriteOperation<DirectoryLineDoc> {
  return {
    updateOne: {
      filter: { _id: r.key },
      update: {
        $set: {
          rpps: r.rpps,
          lastName: r.lastName,
          firstName: r.firstName,
          professionCode: r.professionCode,
          professionLabel: r.professionLabel,
          city: r.city,
          postalCode: r.postalCode,
          words: r.words,
          importId,
          absentSince: null,
        },
      },
      upsert: true,
    },
  };
}

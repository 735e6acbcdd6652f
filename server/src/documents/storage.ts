import type { Readable } from 'node:stream';
import mongoose, { Types, type Connection } from 'mongoose';

/** GridFS's default chunk size (255 KiB): what `GridFSBucket` readers expect, nothing more. */
const CHUNK_BYTES = 255 * 1024;
const BUCKET = 'fs';

/**
 * What a stored file is for: `pending` from its first chunk until the command that files it
 * has committed (`stored`, set after the commit), so a file whose upload or command failed, or
 * whose process died, is found by `sweep`; `quarantined` when the virus scan flagged it (kept,
 * never served).
 */
export type FileState = 'pending' | 'stored' | 'quarantined';

export interface StoredFile {
  id: Types.ObjectId;
  length: number;
}

interface FileDoc {
  _id: Types.ObjectId;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  filename: string;
  metadata: { teamId: Types.ObjectId; mime: string; state: FileState; signature?: string };
}

interface ChunkDoc {
  _id: Types.ObjectId;
  files_id: Types.ObjectId;
  n: number;
  data: Buffer;
}

/**
 * Documents' bytes in MongoDB GridFS (`fs.files`, `fs.chunks`): shared by every instance,
 * nothing on local disk. Files are written in the GridFS format, so any GridFS reader reads
 * them (downloads use the driver's `GridFSBucket`), but by this writer: each chunk is inserted
 * and awaited before the next is read from the source, so at most one chunk is in memory, the
 * upload follows the database's pace (backpressure to the client), and when anything fails
 * nothing is still in flight when what was written is deleted. (The driver's writer can have a
 * chunk insert outstanding when it is aborted, which would leave that chunk behind.)
 */
export class FileStore {
  private readonly bucket: InstanceType<typeof mongoose.mongo.GridFSBucket>;

  constructor(private readonly conn: Connection) {
    this.bucket = new mongoose.mongo.GridFSBucket(this.db, { bucketName: BUCKET });
  }

  private get db() {
    const db = this.conn.db;
    if (!db) throw new Error('FileStore: the connection is not open');
    return db;
  }

  private get files() {
    return this.db.collection<FileDoc>(`${BUCKET}.files`);
  }

  private get chunks() {
    return this.db.collection<ChunkDoc>(`${BUCKET}.chunks`);
  }

  /**
   * The indexes GridFS readers rely on, created explicitly like every other index (the
   * collections come into being with them), plus the one the sweep reads.
   */
  async ensureIndexes(): Promise<void> {
    await this.files.createIndex({ filename: 1, uploadDate: 1 });
    await this.files.createIndex({ 'metadata.state': 1, _id: 1 });
    await this.chunks.createIndex({ files_id: 1, n: 1 }, { unique: true });
  }

  /**
   * Streams `source` into a new `pending` file. On any failure (the source's included: a size
   * limit, an aborted request) every chunk written is deleted before the error is rethrown.
   */
  async put(
    source: AsyncIterable<Buffer> | Iterable<Buffer>,
    info: { filename: string; mime: string; teamId: Types.ObjectId; state?: FileState },
  ): Promise<StoredFile> {
    const id = new Types.ObjectId();
    let n = 0;
    let length = 0;
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let filled = 0;
    const flush = async () => {
      await this.chunks.insertOne({
        _id: new Types.ObjectId(),
        files_id: id,
        n: n++,
        data: buffer.subarray(0, filled),
      });
      buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      filled = 0;
    };
    try {
      for await (const chunk of source) {
        let offset = 0;
        while (offset < chunk.length) {
          const taken = chunk.copy(buffer, filled, offset);
          filled += taken;
          offset += taken;
          length += taken;
          if (filled === CHUNK_BYTES) await flush();
        }
      }
      if (filled > 0 || n === 0) await flush();
      await this.files.insertOne({
        _id: id,
        length,
        chunkSize: CHUNK_BYTES,
        uploadDate: new Date(),
        filename: info.filename,
        metadata: { teamId: info.teamId, mime: info.mime, state: info.state ?? 'pending' },
      });
      return { id, length };
    } catch (err) {
      await this.delete([id]).catch(() => undefined);
      throw err;
    }
  }

  /** Streams a stored file out, one chunk at a time (the driver's GridFS reader). */
  open(id: Types.ObjectId): Readable {
    return this.bucket.openDownloadStream(id);
  }

  /**
   * After the command that files them committed (its outbox). Not inside the transaction: GridFS
   * rows are written outside transactions, and on the stand-in a transaction that writes a
   * collection loses other writes to it that land while it commits (docs/database.md).
   */
  async markStored(ids: Types.ObjectId[]): Promise<void> {
    await this.files.updateMany(
      { _id: { $in: ids }, 'metadata.state': 'pending' },
      { $set: { 'metadata.state': 'stored' } },
    );
  }

  async quarantine(ids: Types.ObjectId[], signature: string): Promise<void> {
    await this.files.updateMany(
      { _id: { $in: ids } },
      { $set: { 'metadata.state': 'quarantined', 'metadata.signature': signature } },
    );
  }

  /** Deletes files, chunks first; files already gone are no error (repeated purges). */
  async delete(ids: Types.ObjectId[]): Promise<void> {
    if (ids.length === 0) return;
    await this.chunks.deleteMany({ files_id: { $in: ids } });
    await this.files.deleteMany({ _id: { $in: ids } });
  }

  /**
   * Deletes what an upload left behind when its process died mid-way: `pending` files older
   * than `before` that no document references (`referenced` says which are; those are marked
   * stored instead), and chunks older than that with no file at all (an upload cut before its
   * file row). Ages come from the ids, allocated when an upload starts, so an upload still
   * under way on another instance is left alone as long as it is younger than `before`.
   */
  async sweep(
    before: Date,
    referenced: (ids: Types.ObjectId[]) => Promise<Set<string>>,
  ): Promise<number> {
    const cutoff = Types.ObjectId.createFromTime(Math.floor(before.getTime() / 1000));
    const pending = await this.files
      .find({ 'metadata.state': 'pending', _id: { $lt: cutoff } })
      .limit(500)
      .toArray();
    const kept = await referenced(pending.map((f) => f._id));
    await this.markStored(pending.filter((f) => kept.has(String(f._id))).map((f) => f._id));
    const stale = pending.filter((f) => !kept.has(String(f._id)));
    const orphanIds = new Map<string, Types.ObjectId>();
    const firstChunks = await this.chunks
      .find({ files_id: { $lt: cutoff }, n: 0 })
      .limit(500)
      .toArray();
    for (const c of firstChunks) orphanIds.set(String(c.files_id), c.files_id);
    if (orphanIds.size > 0) {
      const withFile = await this.files.find({ _id: { $in: [...orphanIds.values()] } }).toArray();
      for (const f of withFile) orphanIds.delete(String(f._id));
    }
    const ids = [...stale.map((f) => f._id), ...orphanIds.values()];
    await this.delete(ids);
    return ids.length;
  }
}

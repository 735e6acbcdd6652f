import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { AppError } from '../http/errors.js';

export type Verdict = { infected: false } | { infected: true; signature: string };

/** No answer from clamd for this long fails the scan (and so the upload): it fails closed. */
const TIMEOUT_MS = 60_000;

/**
 * ClamAV's clamd over TCP (`CLAMAV_URL=tcp://host:port`), INSTREAM protocol: the command
 * `zINSTREAM\0`, then the bytes as frames (4-byte big-endian length, data), then a frame of
 * length 0; clamd answers `stream: OK` or `stream: <signature> FOUND`, NUL-terminated. The
 * upload is streamed to clamd as it arrives, alongside storage, so scanning adds no copy of the
 * file in memory. Any failure to get a verdict refuses the upload (`scan_unavailable`).
 */
export class ClamScanner {
  constructor(private readonly address: { host: string; port: number }) {}

  start(): ScanSession {
    return new ScanSession(connect(this.address));
  }
}

export class ScanSession {
  private readonly reply: Promise<string>;
  private failure: Error | undefined;

  constructor(private readonly socket: Socket) {
    socket.setTimeout(TIMEOUT_MS);
    this.reply = new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      socket.on('data', (d: Buffer) => {
        parts.push(d);
        if (d.includes(0)) resolve(Buffer.concat(parts).toString('utf8'));
      });
      socket.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      socket.on('timeout', () => socket.destroy(new Error('clamd timed out')));
      socket.on('error', (err) => {
        this.failure = err;
        reject(err);
      });
      socket.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
    });
    // Observed by `finish`; an early failure must not be an unhandled rejection meanwhile.
    this.reply.catch(() => undefined);
    socket.write('zINSTREAM\0');
  }

  /** Sends one chunk, waiting when clamd reads slower than the upload arrives. */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw unavailable();
    if (this.socket.destroyed) return; // clamd already answered (a size limit): see `finish`
    const size = Buffer.alloc(4);
    size.writeUInt32BE(chunk.length);
    this.socket.write(size);
    if (this.socket.write(chunk)) return;
    try {
      await Promise.race([once(this.socket, 'drain'), this.reply]);
    } catch {
      throw unavailable();
    }
  }

  async finish(): Promise<Verdict> {
    if (!this.socket.destroyed) this.socket.write(Buffer.alloc(4));
    let text: string;
    try {
      text = (await this.reply).replace(/\0+$/, '').trim();
    } catch {
      throw unavailable();
    } finally {
      this.socket.destroy();
    }
    if (/:\s*OK$/.test(text)) return { infected: false };
    const found = /:\s*(.+)\s+FOUND$/.exec(text);
    if (found) return { infected: true, signature: found[1]!.trim() };
    throw unavailable();
  }

  abort(): void {
    this.socket.destroy();
  }
}

const unavailable = () => new AppError('scan_unavailable', { log: true });

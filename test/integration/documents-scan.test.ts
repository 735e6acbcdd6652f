import { createServer, type Server, type Socket } from 'node:net';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView } from '../../shared/src/documents.js';
import type { AuditEntryView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { EICAR, pdf, photoWithGps, upload } from '../helpers/documents.js';
import { activeTeam, expectError, expectStatus } from '../teamFactories.js';

/**
 * A tiny clamd on loopback speaking INSTREAM for real: `zINSTREAM\0`, length-prefixed frames,
 * a zero-length frame to end; it answers FOUND for the EICAR test string, OK otherwise, or
 * drops the connection when `down`.
 */
class FakeClamd {
  down = false;
  scans = 0;
  private readonly server: Server = createServer((socket) => this.serve(socket));

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    if (this.down) {
      socket.destroy();
      return;
    }
    let buffer = Buffer.alloc(0);
    let commandRead = false;
    const data: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!commandRead) {
        const end = buffer.indexOf(0);
        if (end === -1) return;
        if (buffer.subarray(0, end).toString() !== 'zINSTREAM') return void socket.destroy();
        buffer = buffer.subarray(end + 1);
        commandRead = true;
      }
      while (buffer.length >= 4) {
        const size = buffer.readUInt32BE(0);
        if (size === 0) {
          this.scans++;
          const infected = Buffer.concat(data).includes(EICAR);
          socket.end(infected ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (buffer.length < 4 + size) return;
        data.push(buffer.subarray(4, 4 + size));
        buffer = buffer.subarray(4 + size);
      }
    });
    socket.on('error', () => undefined);
  }
}

const clamd = new FakeClamd();
let t: TestApp;
beforeAll(async () => {
  const port = await clamd.listen();
  t = await startTestApp({ env: { CLAMAV_URL: `tcp://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await t.close();
  await clamd.close();
});

describe('virus scan (clamd INSTREAM)', () => {
  it('a clean file is scanned and added', async () => {
    const { team, creator } = await activeTeam(t);
    const before = clamd.scans;
    const res = await upload(creator, team.id, { bytes: pdf(20_000), name: 'cr.pdf' });
    expectStatus(res, 201);
    const photo = await upload(creator, team.id, { bytes: await photoWithGps(), name: 'p.jpg' });
    expectStatus(photo, 201);
    expect(clamd.scans).toBe(before + 2);
  });

  it('a flagged file is refused and kept in quarantine, never listed nor served', async () => {
    const { team, creator } = await activeTeam(t);
    const res = await upload(creator, team.id, { bytes: pdf(0, EICAR), name: 'resultat.pdf' });
    expectError(res, 422, 'file_infected');
    const docs = expectStatus(
      await creator.agent.get<{ documents: DocumentView[] }>(`/api/teams/${team.id}/documents`),
      200,
    ).documents;
    expect(docs).toEqual([]);
    const files = await t.db
      .collection('fs.files')
      .find({ 'metadata.teamId': new Types.ObjectId(team.id) })
      .toArray();
    expect(files.map((f) => f.metadata as Record<string, unknown>)).toEqual([
      expect.objectContaining({ state: 'quarantined', signature: 'Eicar-Test-Signature' }),
    ]);
    const { entries } = expectStatus(
      await creator.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${team.id}/audit`),
      200,
    );
    expect(entries.map((e) => e.action)).toContain('Fichier mis en quarantaine par l’antivirus');
  });

  it('without a verdict (clamd unreachable) the upload is refused and nothing is kept', async () => {
    const { team, creator } = await activeTeam(t);
    clamd.down = true;
    try {
      const res = await upload(creator, team.id, { bytes: pdf(20_000), name: 'cr.pdf' });
      expectError(res, 503, 'scan_unavailable');
    } finally {
      clamd.down = false;
    }
    expect(
      await t.db
        .collection('fs.files')
        .countDocuments({ 'metadata.teamId': new Types.ObjectId(team.id) }),
    ).toBe(0);
  });
});

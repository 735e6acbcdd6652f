import { request as httpRequest } from 'node:http';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView } from '../../shared/src/documents.js';
import type { AuditEntryView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  fetchBytes,
  hasGpsIfd,
  pdf,
  photoWithGps,
  png,
  upload,
  type UploadFieldsInput,
  type UploadFile,
} from '../helpers/documents.js';
import { activeTeam, expectError, expectStatus, signUpPro, type Pro } from '../teamFactories.js';

/** Small limits, so that every case stays a few hundred kilobytes (the stand-in is slow). */
const MAX_BYTES = 300 * 1024;
const QUOTA = 700 * 1024;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    env: { DOCUMENT_MAX_BYTES: String(MAX_BYTES), DOCUMENT_TEAM_QUOTA_BYTES: String(QUOTA) },
  });
});
afterAll(() => t.close());

const docsOf = (teamId: string) => `/api/teams/${teamId}/documents`;
const fileOf = (teamId: string, id: string) => `${docsOf(teamId)}/${id}/file`;
const thumbOf = (teamId: string, id: string) => `${docsOf(teamId)}/${id}/thumbnail`;

async function list(pro: Pro, teamId: string, query = ''): Promise<DocumentView[]> {
  return expectStatus(
    await pro.agent.get<{ documents: DocumentView[] }>(`${docsOf(teamId)}${query}`),
    200,
  ).documents;
}

async function added(
  pro: Pro,
  teamId: string,
  file: UploadFile,
  fields: UploadFieldsInput = {},
): Promise<DocumentView> {
  return expectStatus(await upload(pro, teamId, file, fields), 201).document;
}

async function auditActions(pro: Pro, teamId: string): Promise<string[]> {
  const { entries } = expectStatus(
    await pro.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${teamId}/audit`),
    200,
  );
  return entries.map((e) => `${e.action}|${e.detail ?? ''}`);
}

const gridFiles = (teamId: string) =>
  t.db.collection('fs.files').countDocuments({ 'metadata.teamId': new Types.ObjectId(teamId) });

describe('documents: upload and download by members', () => {
  it('a photo is re-encoded upright, without EXIF or GPS, with a thumbnail; another member opens it', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const photo = await photoWithGps(64, 32);
    // The fixture does carry GPS and a turned orientation.
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(hasGpsIfd(before.exif)).toBe(true);

    const doc = await added(
      nurse,
      team.id,
      { bytes: photo, name: 'plaie.JPG', type: 'image/jpeg' },
      {
        title: 'Plaie talon gauche',
        kind: 'photo',
        date: '2026-03-02',
      },
    );
    expect(doc).toMatchObject({
      teamId: team.id,
      title: 'Plaie talon gauche',
      kind: 'photo',
      date: '2026-03-02',
      fileName: 'plaie.jpg',
      mime: 'image/jpeg',
      width: 32,
      height: 64,
      hasThumbnail: true,
      addedBy: { id: nurse.id },
    });

    expect((await list(creator, team.id)).map((d) => d.id)).toEqual([doc.id]);
    const file = await fetchBytes(creator, t.baseUrl, fileOf(team.id, doc.id));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('content-disposition')).toMatch(/^inline; filename="plaie.jpg"/);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('cache-control')).toBe('private, no-store');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect(file.bytes.length).toBe(doc.size);

    // What is stored and served: upright, and no EXIF, GPS or any other metadata at all.
    const stored = await sharp(file.bytes).metadata();
    expect(stored).toMatchObject({ format: 'jpeg', width: 32, height: 64 });
    expect(stored.orientation).toBeUndefined();
    expect(stored.exif).toBeUndefined();
    expect(stored.xmp).toBeUndefined();
    expect(stored.iptc).toBeUndefined();
    expect(file.bytes.includes(Buffer.from('TestPhone'))).toBe(false);

    const thumb = await fetchBytes(creator, t.baseUrl, thumbOf(team.id, doc.id));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbMeta = await sharp(thumb.bytes).metadata();
    expect(thumbMeta.format).toBe('webp');
    expect(thumbMeta.exif).toBeUndefined();

    const download = await fetchBytes(creator, t.baseUrl, `${fileOf(team.id, doc.id)}?download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);

    // Every view and download is in the audit log, which stores ids only and names the
    // document to the members who read it; adding counts for the ledger.
    const actions = await auditActions(creator, team.id);
    const named = 'Document « Plaie talon gauche »';
    for (const line of [
      `Ajout d’un document|${named}`,
      `Consultation d’un document|${named}`,
      `Consultation d’un document|${named} (miniature)`,
      `Téléchargement d’un document|${named}`,
      'Consultation de la liste des documents|',
    ])
      expect(actions).toContain(line);
    const rows = await t.db
      .collection('auditentries')
      .find({ teamId: new Types.ObjectId(team.id) })
      .toArray();
    expect(rows.map((r) => r.detail as unknown)).toContain(`document:${doc.id}:thumbnail`);
    expect(JSON.stringify(rows)).not.toContain('Plaie');
    const counter = await t.db.collection('contributioncounters').findOne({
      professionalId: new Types.ObjectId(nurse.id),
      teamId: new Types.ObjectId(team.id),
    });
    expect(counter).toMatchObject({ document: 1, total: 1 });
  });

  it('a PDF is stored as sent and only ever served as a download; PNGs become WebP', async () => {
    const { team, creator } = await activeTeam(t);
    const bytes = pdf(40_000);
    const doc = await added(
      creator,
      team.id,
      { bytes, name: 'CR sortie.pdf', type: 'text/html' },
      {
        kind: 'compte_rendu',
      },
    );
    expect(doc).toMatchObject({
      title: 'CR sortie.pdf',
      kind: 'compte_rendu',
      mime: 'application/pdf',
      hasThumbnail: false,
      width: null,
    });
    const file = await fetchBytes(creator, t.baseUrl, fileOf(team.id, doc.id));
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="CR sortie.pdf"/,
    );
    expect(file.bytes.equals(bytes)).toBe(true);
    expectError(await creator.agent.get(thumbOf(team.id, doc.id)), 404, 'not_found');

    const image = await added(creator, team.id, { bytes: await png(), name: 'ecg.png' });
    expect(image).toMatchObject({ mime: 'image/webp', fileName: 'ecg.webp', kind: 'photo' });
    // Filtered by kind.
    expect((await list(creator, team.id, '?kind=compte_rendu')).map((d) => d.id)).toEqual([doc.id]);
    expect((await list(creator, team.id, '?kind=photo')).map((d) => d.id)).toEqual([image.id]);
  });

  it('a retry with the same client id stores the document once', async () => {
    const { team, creator } = await activeTeam(t);
    const file = { bytes: pdf(), name: 'ordonnance.pdf' };
    const first = await added(creator, team.id, file, { clientId: 'upload-retry-1' });
    const again = await upload(creator, team.id, file, { clientId: 'upload-retry-1' });
    expect(expectStatus(again, 200).document.id).toBe(first.id);
    expect(await list(creator, team.id)).toHaveLength(1);
    expect(await gridFiles(team.id)).toBe(1);
  });
});

describe('documents: who may see them', () => {
  it('outsiders, removed members and anonymous requests get nothing, over every route', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const doc = await added(nurse, team.id, { bytes: await photoWithGps(), name: 'p.jpg' });
    const paths = [
      docsOf(team.id),
      fileOf(team.id, doc.id),
      `${fileOf(team.id, doc.id)}?download=1`,
      thumbOf(team.id, doc.id),
    ];
    for (const path of paths) {
      expect((await fetchBytes(pharmacist, t.baseUrl, path)).status).toBe(200);
      expectError(await outsider.agent.get(path), 404, 'not_found');
      // A URL copied out of the app works for no one without a member's session.
      expect((await fetchBytes(undefined, t.baseUrl, path)).status).toBe(401);
    }
    expectError(await upload(outsider, team.id, { bytes: pdf(), name: 'x.pdf' }), 404, 'not_found');
    expectError(
      await upload(outsider, team.id, { bytes: pdf(), name: 'x.pdf' }, {}, { session: false }),
      403,
      'csrf_invalid',
    );
    expectError(
      await outsider.agent.request('DELETE', `${docsOf(team.id)}/${doc.id}`),
      404,
      'not_found',
    );
    // The same 404 for a document of another team, through a team one is a member of.
    const other = await activeTeam(t);
    expectError(
      await other.creator.agent.get(`/api/teams/${other.team.id}/documents/${doc.id}/file`),
      404,
      'not_found',
    );

    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`, {}),
      200,
    );
    for (const path of paths) expectError(await pharmacist.agent.get(path), 404, 'not_found');
    expectError(
      await upload(pharmacist, team.id, { bytes: pdf(), name: 'x.pdf' }),
      404,
      'not_found',
    );
  });

  it('an upload without the CSRF token is refused before anything is stored', async () => {
    const { team, creator } = await activeTeam(t);
    expectError(
      await upload(creator, team.id, { bytes: pdf(), name: 'x.pdf' }, {}, { csrf: false }),
      403,
      'csrf_invalid',
    );
    expect(await gridFiles(team.id)).toBe(0);
  });

  it('closed and withdrawn teams keep their documents readable and refuse new ones', async () => {
    const closed = await activeTeam(t);
    const kept = await added(closed.nurse, closed.team.id, { bytes: pdf(), name: 'cr.pdf' });
    expectStatus(
      await closed.creator.agent.post(`/api/teams/${closed.team.id}/close`, { reason: 'deces' }),
      200,
    );
    expect((await list(closed.nurse, closed.team.id)).map((d) => d.id)).toEqual([kept.id]);
    expect(
      (await fetchBytes(closed.nurse, t.baseUrl, fileOf(closed.team.id, kept.id))).status,
    ).toBe(200);
    expectError(
      await upload(closed.nurse, closed.team.id, { bytes: pdf(), name: 'x.pdf' }),
      409,
      'team_closed',
    );
    expectError(
      await closed.nurse.agent.request('DELETE', `${docsOf(closed.team.id)}/${kept.id}`),
      409,
      'team_closed',
    );

    const withdrawn = await activeTeam(t);
    expectStatus(
      await withdrawn.nurse.agent.post(`/api/teams/${withdrawn.team.id}/consent/withdraw`, {}),
      200,
    );
    expectError(
      await upload(withdrawn.nurse, withdrawn.team.id, { bytes: pdf(), name: 'x.pdf' }),
      409,
      'read_only',
    );
    expect(await gridFiles(withdrawn.team.id)).toBe(0);
  });
});

describe('documents: what is refused', () => {
  it('refuses a file over the size limit, and an upload past the team quota, with nothing left behind', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const big = await upload(creator, team.id, { bytes: pdf(MAX_BYTES + 1), name: 'big.pdf' });
    expectError(big, 413, 'file_too_large');
    expect((big.body as unknown as { error: { message: string } }).error.message).toContain(
      '300 Ko',
    );
    expect(await gridFiles(team.id)).toBe(0);

    // 700 KB for the team: two of 250 KB fit, the third does not, whoever sends it.
    await added(creator, team.id, { bytes: pdf(250 * 1024), name: 'a.pdf' });
    await added(nurse, team.id, { bytes: pdf(250 * 1024), name: 'b.pdf' });
    const racing = await Promise.all([
      upload(creator, team.id, { bytes: pdf(150 * 1024), name: 'c.pdf' }),
      upload(nurse, team.id, { bytes: pdf(150 * 1024), name: 'd.pdf' }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 413]);
    expectError(
      racing.find((r) => r.status === 413)!,
      413,
      'quota_exceeded',
    );
    expect(await list(creator, team.id)).toHaveLength(3);
    expect(await gridFiles(team.id)).toBe(3);
    const usage = await t.db
      .collection('documentusages')
      .findOne({ teamId: new Types.ObjectId(team.id) });
    expect(usage).toMatchObject({ count: 3, bytes: 650 * 1024 });
  });

  it('refuses a file whose bytes do not match its name, or of a type not accepted', async () => {
    const { team, creator } = await activeTeam(t);
    expectError(
      await upload(creator, team.id, { bytes: pdf(), name: 'photo.jpg', type: 'image/jpeg' }),
      415,
      'file_type_mismatch',
    );
    expectError(
      await upload(creator, team.id, { bytes: await photoWithGps(), name: 'cr.pdf' }),
      415,
      'file_type_mismatch',
    );
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    expectError(
      await upload(creator, team.id, {
        bytes: html,
        name: 'resultat.pdf',
        type: 'application/pdf',
      }),
      415,
      'file_type_refused',
    );
    expectError(
      await upload(creator, team.id, {
        bytes: Buffer.from('GIF89a\x01\x00\x01\x00'),
        name: 'a.gif',
      }),
      415,
      'file_type_refused',
    );
    expectError(
      await upload(creator, team.id, { bytes: Buffer.alloc(0), name: 'vide.pdf' }),
      415,
      'file_type_refused',
    );
    // Bytes that claim to be a JPEG but are not one: refused as unreadable.
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 7)]);
    expectError(
      await upload(creator, team.id, { bytes: broken, name: 'x.jpg' }),
      422,
      'image_unreadable',
    );
    expect(await gridFiles(team.id)).toBe(0);
  });

  it('refuses HEIC with its own message where sharp cannot decode HEVC', async () => {
    const { team, creator } = await activeTeam(t);
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheic'),
      Buffer.alloc(4),
      Buffer.from('mif1heic'),
      Buffer.alloc(2000, 1),
    ]);
    expectError(
      await upload(creator, team.id, { bytes: heic, name: 'IMG_0001.HEIC' }),
      415,
      'heic_unsupported',
    );
    expect(await gridFiles(team.id)).toBe(0);
  });

  it('an upload cut off midway leaves nothing behind, chunks included', async () => {
    const { team, creator } = await activeTeam(t);
    const chunks = t.db.collection('fs.chunks');
    const chunksBefore = await chunks.countDocuments();
    const boundary = 'escapcutboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="clientId"\r\n\r\ncut-upload-1\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n',
    );
    const req = httpRequest(`${t.baseUrl}${docsOf(team.id)}`, {
      method: 'POST',
      headers: {
        cookie: creator.agent.cookieHeader(),
        'x-csrf-token': decodeURIComponent(creator.agent.cookies.get('escap_csrf')!),
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + 290 * 1024 + 100),
      },
    });
    const answered = new Promise<void>((resolve) => {
      req.on('error', () => resolve());
      req.on('response', () => resolve());
    });
    req.write(head);
    req.write(pdf(270 * 1024)); // more than one GridFS chunk: the first is written
    await expect
      .poll(() => chunks.countDocuments(), { timeout: 10_000 })
      .toBeGreaterThan(chunksBefore);
    req.destroy();
    await answered;
    await expect.poll(() => chunks.countDocuments(), { timeout: 10_000 }).toBe(chunksBefore);
    expect(await gridFiles(team.id)).toBe(0);
    expect(await list(creator, team.id)).toEqual([]);
  });
});

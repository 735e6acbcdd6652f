import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/src/chat.js';
import type { DocumentChange, DocumentView } from '../../shared/src/documents.js';
import type { Ack } from '../../shared/src/errors.js';
import type { AuditEntryView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { page } from '../helpers/chat.js';
import { fetchBytes, pdf, photoWithGps, upload } from '../helpers/documents.js';
import {
  activeTeam,
  expectError,
  expectStatus,
  liveClients,
  type LiveClient,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();

async function added(pro: Pro, teamId: string, name = 'plaie.jpg'): Promise<DocumentView> {
  const bytes = name.endsWith('.pdf') ? pdf() : await photoWithGps();
  return expectStatus(await upload(pro, teamId, { bytes, name }), 201).document;
}

function send(
  client: LiveClient,
  teamId: string,
  text: string,
  attachments: string[],
): Promise<Ack<MessageView>> {
  return client.socket.timeout(5000).emitWithAck('chat:send', {
    teamId,
    clientId: randomUUID(),
    text,
    attachments,
  }) as Promise<Ack<MessageView>>;
}

const remove = (pro: Pro, teamId: string, id: string) =>
  pro.agent.request('DELETE', `/api/teams/${teamId}/documents/${id}`);

describe('attachments in the conversation', () => {
  it('a message can be attachments only; everyone sees them live, and in the history', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const [nurseLive, doctorLive] = await Promise.all([live(nurse), live(creator)]);
    const photo = await added(nurse, team.id);
    // Adding a document is live for every member.
    const change = await doctorLive.waitFor(
      'document:changed',
      (c: DocumentChange) => 'document' in c && c.document.id === photo.id,
    );
    expect(change).toMatchObject({ teamId: team.id, document: { title: 'plaie.jpg' } });

    const ack = await send(nurseLive, team.id, '  ', [photo.id]);
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    expect(ack.data).toMatchObject({
      text: '',
      attachments: [{ id: photo.id, document: { id: photo.id, mime: 'image/jpeg' } }],
    });
    const received = await doctorLive.waitFor('chat:message', (m) => m.id === ack.data.id);
    expect(received.attachments[0]!.document?.hasThumbnail).toBe(true);
    const history = await page(creator, team.id);
    expect(history.messages.at(-1)!.attachments).toEqual(ack.data.attachments);

    // Still nothing at all is refused: no text and no attachment.
    const empty = await send(nurseLive, team.id, ' ', []);
    expect(empty).toMatchObject({ ok: false, error: { code: 'message_empty' } });
  });

  it('refuses attachments that are not live documents of the same team', async () => {
    const a = await activeTeam(t);
    const b = await activeTeam(t);
    const client = await live(a.creator);
    const foreign = await added(b.creator, b.team.id, 'cr.pdf');
    expect(await send(client, a.team.id, 'voir', [foreign.id])).toMatchObject({
      ok: false,
      error: { code: 'attachment_invalid' },
    });
    expect(
      await send(client, a.team.id, 'voir', [new Types.ObjectId().toHexString()]),
    ).toMatchObject({
      ok: false,
      error: { code: 'attachment_invalid' },
    });
    const gone = await added(a.creator, a.team.id, 'cr.pdf');
    expect((await remove(a.creator, a.team.id, gone.id)).status).toBe(204);
    expect(await send(client, a.team.id, 'voir', [gone.id])).toMatchObject({
      ok: false,
      error: { code: 'attachment_invalid' },
    });
  });
});

describe('removing a document', () => {
  it('its author removes it: the message says it was removed, the bytes are gone, the audit log says who', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const [nurseLive, pharmacistLive] = await Promise.all([live(nurse), live(pharmacist)]);
    const photo = await added(nurse, team.id);
    const ack = await send(nurseLive, team.id, 'La plaie ce matin', [photo.id]);
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));

    // Another member (not a manager) may not remove it.
    expectError(await remove(pharmacist, team.id, photo.id), 403, 'not_document_author');
    expect((await remove(nurse, team.id, photo.id)).status).toBe(204);
    await pharmacistLive.waitFor(
      'document:changed',
      (c: DocumentChange) => 'removedId' in c && c.removedId === photo.id,
    );

    const message = (await page(pharmacist, team.id)).messages.find((m) => m.id === ack.data.id)!;
    expect(message.text).toBe('La plaie ce matin');
    expect(message.attachments).toEqual([{ id: photo.id, document: null }]);
    expectError(
      await pharmacist.agent.get(`/api/teams/${team.id}/documents/${photo.id}/file`),
      404,
      'not_found',
    );
    expect(
      (await fetchBytes(nurse, t.baseUrl, `/api/teams/${team.id}/documents/${photo.id}/thumbnail`))
        .status,
    ).toBe(404);
    // The bytes are purged after the commit (outbox): file rows and chunks.
    const teamFiles = { 'metadata.teamId': new Types.ObjectId(team.id) };
    await expect.poll(() => t.db.collection('fs.files').countDocuments(teamFiles)).toBe(0);
    const usage = await t.db
      .collection('documentusages')
      .findOne({ teamId: new Types.ObjectId(team.id) });
    expect(usage).toMatchObject({ bytes: 0, count: 0 });
    expectError(await remove(nurse, team.id, photo.id), 404, 'not_found');

    const { entries } = expectStatus(
      await creator.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${team.id}/audit`),
      200,
    );
    expect(entries.find((e) => e.action === 'Retrait d’un document')).toMatchObject({
      actor: { id: nurse.id },
      detail: 'Document « plaie.jpg »',
    });
  });

  it('a manager may remove anyone’s document', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const doc = await added(nurse, team.id, 'resultat.pdf');
    expect((await remove(creator, team.id, doc.id)).status).toBe(204);
    expect(
      expectStatus(
        await nurse.agent.get<{ documents: DocumentView[] }>(`/api/teams/${team.id}/documents`),
        200,
      ).documents,
    ).toEqual([]);
  });
});

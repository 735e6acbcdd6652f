import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileEntryView } from '../../shared/src/patient-file.js';
import type { AuditEntryView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { ErrorBody } from '../helpers/http.js';
import {
  activeTeam,
  expectError,
  expectSilence,
  expectStatus,
  liveClients,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const live = liveClients();
const entriesOf = (teamId: string) => `/api/teams/${teamId}/file/entries`;

async function add(pro: Pro, teamId: string, body: unknown): Promise<FileEntryView> {
  return expectStatus(await pro.agent.post<{ entry: FileEntryView }>(entriesOf(teamId), body), 201)
    .entry;
}
async function list(pro: Pro, teamId: string): Promise<FileEntryView[]> {
  return expectStatus(await pro.agent.get<{ entries: FileEntryView[] }>(entriesOf(teamId)), 200)
    .entries;
}
const patch = (pro: Pro, teamId: string, id: string, body: unknown) =>
  pro.agent.request<{ entry: FileEntryView }>('PATCH', `${entriesOf(teamId)}/${id}`, body);
const remove = (pro: Pro, teamId: string, id: string, version: number) =>
  pro.agent.request('DELETE', `${entriesOf(teamId)}/${id}?version=${version}`);

const ENTRIES = [
  {
    part: 'treatment',
    fields: {
      name: 'Metformine 1000',
      dosage: '1 cp matin et soir',
      since: '2021',
      prescriber: '',
    },
  },
  {
    part: 'allergy',
    fields: { substance: 'Pénicilline', kind: 'allergie', reaction: 'Urticaire' },
  },
  { part: 'history', fields: { label: 'Infarctus', when: '2019' } },
  {
    part: 'carer',
    fields: { name: 'Paul Martin', role: 'Fils', phone: '06 12 34 56 78', mayCall: true },
  },
  { part: 'wish', fields: { text: 'Rester à domicile le plus longtemps possible' } },
  {
    part: 'contact',
    fields: { kind: 'pharmacie', name: 'Pharmacie du Marché', phone: '01 40 00 00 00' },
  },
] as const;

describe('the structured file', () => {
  it('holds every part, each entry with its author and date, for every member', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const added: FileEntryView[] = [];
    // Added in reverse order: the list gives the parts in the file's order.
    for (const body of [...ENTRIES].reverse()) added.push(await add(nurse, team.id, body));
    const treatment = added.find((e) => e.part === 'treatment')!;
    expect(treatment).toMatchObject({
      teamId: team.id,
      // An empty optional field is left out.
      fields: { name: 'Metformine 1000', dosage: '1 cp matin et soir', since: '2021' },
      createdBy: { id: nurse.id, lastName: nurse.input.lastName },
      updatedBy: { id: nurse.id },
      version: 0,
    });
    expect(treatment.fields).not.toHaveProperty('prescriber');
    expect(Date.parse(treatment.createdAt)).not.toBeNaN();

    const seen = await list(pharmacist, team.id);
    expect(seen.map((e) => e.part)).toEqual([
      'treatment',
      'allergy',
      'history',
      'carer',
      'wish',
      'contact',
    ]);
    expect(await list(creator, team.id)).toEqual(seen);

    // Another member edits it: the author and date of the entry become theirs.
    const edited = expectStatus(
      await patch(creator, team.id, treatment.id, {
        version: 0,
        fields: { name: 'Metformine 850', dosage: '1 cp matin', prescriber: 'Dr Roux' },
      }),
      200,
    ).entry;
    expect(edited).toMatchObject({
      fields: { name: 'Metformine 850', dosage: '1 cp matin', prescriber: 'Dr Roux' },
      createdBy: { id: nurse.id },
      updatedBy: { id: creator.id },
      version: 1,
    });
    // An edit based on what was read before is refused, not lost.
    expectError(
      await patch(nurse, team.id, treatment.id, { version: 0, fields: { name: 'X' } }),
      409,
      'file_conflict',
    );
    expectError(await remove(nurse, team.id, treatment.id, 0), 409, 'file_conflict');
    expectStatus(await remove(nurse, team.id, treatment.id, 1), 204);
    expect((await list(nurse, team.id)).map((e) => e.id)).not.toContain(treatment.id);
  });

  it('refuses bad input with its field and a French message, writing nothing', async () => {
    const { team, creator } = await activeTeam(t);
    const cases: [unknown, string][] = [
      [{ part: 'treatment', fields: { name: '' } }, 'fields.name'],
      [{ part: 'allergy', fields: { substance: 'Latex', kind: 'grave' } }, 'fields.kind'],
      [{ part: 'carer', fields: { name: 'Paul', role: 'Fils' } }, 'fields.mayCall'],
      [
        { part: 'carer', fields: { name: 'P', role: 'F', mayCall: true, phone: 'abc' } },
        'fields.phone',
      ],
      [{ part: 'wish', fields: { text: 'x'.repeat(2001) } }, 'fields.text'],
      [{ part: 'dossier', fields: {} }, 'part'],
      [{ part: 'history', fields: { label: 'Diabète', extra: 1 } }, 'fields'],
    ];
    for (const [body, field] of cases) {
      const res = await creator.agent.post<ErrorBody>(entriesOf(team.id), body);
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.field ?? '').toBe(field);
      expect(res.body.error.message).toMatch(/[a-zé]/);
    }
    expect(await list(creator, team.id)).toEqual([]);
    // An edit is checked against the entry's own part.
    const wish = await add(creator, team.id, ENTRIES[4]);
    const res = await patch(creator, team.id, wish.id, { version: 0, fields: { name: 'x' } });
    expectError(res, 400, 'validation_failed');
    // The wish's text is missing (and `name` is no field of a wish).
    expect(res.body).toMatchObject({ error: { field: 'fields.text' } });
  });

  it('is for current members only (404 for anyone else), read-only once consent is withdrawn', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const entry = await add(creator, team.id, ENTRIES[1]);
    const outsider = await signUpPro(t);
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`),
      200,
    );
    for (const who of [outsider, pharmacist]) {
      expectError(await who.agent.get(entriesOf(team.id)), 404, 'not_found');
      expectError(await who.agent.post(entriesOf(team.id), ENTRIES[2]), 404, 'not_found');
      expectError(
        await patch(who, team.id, entry.id, { version: 0, fields: {} }),
        404,
        'not_found',
      );
      expectError(await remove(who, team.id, entry.id, 0), 404, 'not_found');
    }
    // An entry of another team is not found through this one.
    const other = await activeTeam(t);
    expectError(await remove(other.creator, other.team.id, entry.id, 0), 404, 'not_found');

    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expectError(await nurse.agent.post(entriesOf(team.id), ENTRIES[2]), 409, 'read_only');
    expectError(
      await patch(nurse, team.id, entry.id, { version: 0, fields: ENTRIES[1].fields }),
      409,
      'read_only',
    );
    expect((await list(nurse, team.id)).map((e) => e.id)).toEqual([entry.id]);
  });

  it('audits every read and write with the entry id only, never its content', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const entry = await add(creator, team.id, ENTRIES[1]);
    await list(nurse, team.id);
    expectStatus(
      await patch(nurse, team.id, entry.id, {
        version: 0,
        fields: { substance: 'Pénicilline G', kind: 'allergie' },
      }),
      200,
    );
    expectStatus(await remove(nurse, team.id, entry.id, 1), 204);
    const { entries } = expectStatus(
      await creator.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${team.id}/audit`),
      200,
    );
    // Stored rows hold the entry's id only (the journal shows names to members).
    const ours = await t.db
      .collection('auditentries')
      .find({ teamId: new Types.ObjectId(team.id), detail: `entry:${entry.id}` })
      .sort({ _id: 1 })
      .toArray();
    expect(ours.map((e): string[] => [String(e['action']), String(e['actorId'])])).toEqual([
      ['file.add', creator.id],
      ['file.update', nurse.id],
      ['file.remove', nurse.id],
    ]);
    expect(
      entries.some(
        (e) => e.action === 'Consultation du dossier structuré' && e.actor.id === nurse.id,
      ),
    ).toBe(true);
    const raw = JSON.stringify(await t.db.collection('auditentries').find({}).toArray());
    expect(raw).not.toContain('Pénicilline');
  });
});

describe('the structured file, live', () => {
  it('file:changed reaches current members after the commit, and nobody else', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const [creatorLive, nurseLive, pharmacistLive, outsiderLive] = await Promise.all([
      live(creator),
      live(nurse),
      live(pharmacist),
      live(outsider),
    ]);
    const entry = await add(creator, team.id, ENTRIES[3]);
    for (const c of [creatorLive, nurseLive, pharmacistLive]) {
      const got = await c.waitFor('file:changed', (p) => 'entry' in p && p.entry.id === entry.id);
      expect(got).toEqual({ teamId: team.id, entry });
    }
    // What was sent live is what the database holds: it was committed first.
    expect(await list(nurse, team.id)).toEqual([entry]);
    expect(outsiderLive.received.filter((r) => r.event === 'file:changed')).toEqual([]);

    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`),
      200,
    );
    await pharmacistLive.waitFor('team:left', (p) => p.teamId === team.id);
    await expectSilence([pharmacistLive, outsiderLive], {
      during: async () => {
        const edited = expectStatus(
          await patch(nurse, team.id, entry.id, {
            version: 0,
            fields: { ...ENTRIES[3].fields, mayCall: false },
          }),
          200,
        ).entry;
        const got = await creatorLive.waitFor(
          'file:changed',
          (p) => 'entry' in p && p.entry.version === 1,
        );
        expect(got).toEqual({ teamId: team.id, entry: edited });
      },
    });
    expectStatus(await remove(creator, team.id, entry.id, 1), 204);
    expect(await nurseLive.waitFor('file:changed', (p) => 'deletedId' in p)).toEqual({
      teamId: team.id,
      deletedId: entry.id,
    });
  });
});

import { Types } from 'mongoose';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CarePlanView } from '../../shared/src/care-plan.js';
import { calendarDay, type TaskView } from '../../shared/src/tasks.js';
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
const planOf = (teamId: string) => `/api/teams/${teamId}/plan`;
const inDays = (n: number) => calendarDay(new Date(Date.now() + n * 86_400_000));

const save = (pro: Pro, teamId: string, body: unknown) =>
  pro.agent.post<{ plan: CarePlanView }>(planOf(teamId), body);
const getPlan = async (pro: Pro, teamId: string) =>
  expectStatus(await pro.agent.get<{ plan: CarePlanView }>(planOf(teamId)), 200).plan;

async function download(pro: Pro, path: string) {
  const res = await fetch(t.baseUrl + path, { headers: { cookie: pro.agent.cookieHeader() } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}
async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('the care plan (PPS)', () => {
  it('is versioned: each save a new version made from the latest, older ones kept', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    expect(await getPlan(pharmacist, team.id)).toEqual({ current: null, versions: [] });
    const first = {
      baseVersion: 0,
      objectives: ['Maintien à domicile', 'Équilibre glycémique'],
      actions: [
        { text: 'Injection d’insuline', responsibleId: nurse.id, rhythm: '2 fois par jour' },
        { text: 'Préparation du pilulier', responsibleId: pharmacist.id, rhythm: 'chaque semaine' },
      ],
      reviewDate: inDays(90),
    };
    const v1 = expectStatus(await save(creator, team.id, first), 201).plan;
    expect(v1.current).toMatchObject({
      version: 1,
      objectives: first.objectives,
      actions: [
        { text: 'Injection d’insuline', responsible: { id: nurse.id }, rhythm: '2 fois par jour' },
        { text: 'Préparation du pilulier', responsible: { id: pharmacist.id } },
      ],
      reviewDate: first.reviewDate,
      createdBy: { id: creator.id },
    });
    // A second member edits from version 1; a third, still on version 1, is refused.
    const v2 = expectStatus(
      await save(nurse, team.id, { ...first, baseVersion: 1, actions: first.actions.slice(0, 1) }),
      201,
    ).plan;
    expect(v2.current).toMatchObject({ version: 2, createdBy: { id: nurse.id } });
    expect(v2.versions.map((v) => v.version)).toEqual([2, 1]);
    expectError(
      await save(pharmacist, team.id, { ...first, baseVersion: 1 }),
      409,
      'plan_conflict',
    );
    expect((await getPlan(pharmacist, team.id)).current?.version).toBe(2);
  });

  it('refuses bad input with its field, and a responsible who is not a current member', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const base = {
      baseVersion: 0,
      objectives: ['Autonomie'],
      actions: [{ text: 'Kiné', responsibleId: nurse.id, rhythm: '3 fois par semaine' }],
      reviewDate: inDays(30),
    };
    const cases: [unknown, string][] = [
      [{ ...base, objectives: [] }, 'objectives'],
      [{ ...base, objectives: [''] }, 'objectives.0'],
      [{ ...base, actions: [{ ...base.actions[0], rhythm: '' }] }, 'actions.0.rhythm'],
      [{ ...base, reviewDate: '2026-02-30' }, 'reviewDate'],
    ];
    for (const [body, field] of cases) {
      const res = await save(creator, team.id, body);
      expectError(res, 400, 'validation_failed');
      expect((res.body as unknown as ErrorBody).error.field).toBe(field);
    }
    const res = await save(creator, team.id, {
      ...base,
      actions: [...base.actions, { text: 'Visite', responsibleId: outsider.id, rhythm: 'mensuel' }],
    });
    expectError(res, 400, 'responsible_not_member');
    expect((res.body as unknown as ErrorBody).error.field).toBe('actions.1.responsibleId');
    expect(await getPlan(creator, team.id)).toEqual({ current: null, versions: [] });
  });

  it('members only; read-only after a consent withdrawal', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const body = {
      baseVersion: 0,
      objectives: ['Autonomie'],
      actions: [],
      reviewDate: inDays(30),
    };
    expectStatus(await save(creator, team.id, body), 201);
    expectError(await outsider.agent.get(planOf(team.id)), 404, 'not_found');
    expectError(await save(outsider, team.id, { ...body, baseVersion: 1 }), 404, 'not_found');
    expectError(await outsider.agent.get(`${planOf(team.id)}/pdf?version=1`), 404, 'not_found');
    expectStatus(await nurse.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    expectError(await save(nurse, team.id, { ...body, baseVersion: 1 }), 409, 'read_only');
    expect((await getPlan(nurse, team.id)).current?.version).toBe(1);
  });

  it('turns an action into a task of its responsible; exports a version as a PDF; audits it all', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const saved = expectStatus(
      await save(creator, team.id, {
        baseVersion: 0,
        objectives: ['Cicatrisation de l’ulcère'],
        actions: [
          { text: 'Pansement jambe gauche', responsibleId: nurse.id, rhythm: 'tous les 2 jours' },
        ],
        reviewDate: '2027-03-01',
      }),
      201,
    ).plan;
    const due = inDays(2);
    const task = expectStatus(
      await creator.agent.post<{ task: TaskView }>(`${planOf(team.id)}/actions/0/task`, {
        version: 1,
        due,
      }),
      201,
    ).task;
    expect(task).toMatchObject({
      title: 'Pansement jambe gauche',
      details: 'Plan de soins, version 1 — rythme : tous les 2 jours',
      assignee: { id: nurse.id },
      due,
    });
    expectError(
      await creator.agent.post(`${planOf(team.id)}/actions/0/task`, { version: 0, due }),
      409,
      'plan_conflict',
    );
    expectError(
      await creator.agent.post(`${planOf(team.id)}/actions/5/task`, { version: 1, due }),
      404,
      'plan_not_found',
    );

    const { res, body } = await download(nurse, `${planOf(team.id)}/pdf?version=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(body);
    expect(text).toContain('Projet personnalisé de soins');
    expect(text).toContain('Version 1');
    expect(text).toContain('Cicatrisation de l’ulcère');
    expect(text).toContain('Pansement jambe gauche');
    expect(text).toContain('tous les 2 jours');
    expect(text).toContain('01/03/2027');
    expect(text).toContain(`${nurse.input.firstName} ${nurse.input.lastName}`);
    expect(saved.current?.version).toBe(1);
    expectError(await nurse.agent.get(`${planOf(team.id)}/pdf?version=9`), 404, 'plan_not_found');

    const { entries } = expectStatus(
      await creator.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${team.id}/audit`),
      200,
    );
    const labels = entries.map((e) => [e.action, e.actor.id]);
    expect(labels).toContainEqual(['Nouvelle version du plan de soins', creator.id]);
    expect(labels).toContainEqual(['Export PDF du plan de soins', nurse.id]);
    // Stored rows hold codes and ids only, never the plan's words.
    const rows = await t.db
      .collection('auditentries')
      .find({ teamId: new Types.ObjectId(team.id) })
      .toArray();
    const stored = rows.map((e): string[] => [
      String(e['action']),
      String(e['actorId']),
      String(e['detail'] ?? ''),
    ]);
    expect(stored).toContainEqual(['plan.save', creator.id, 'plan:v1']);
    expect(stored).toContainEqual(['plan.export', nurse.id, 'plan:v1']);
    expect(stored).toContainEqual(['task.create', creator.id, `task:${task.id}`]);
    expect(JSON.stringify(rows)).not.toContain('Pansement');
  });

  it('plan:changed reaches current members after the commit, nobody else', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const [nurseLive, outsiderLive] = await Promise.all([live(nurse), live(outsider)]);
    expectStatus(
      await creator.agent.post(`/api/teams/${team.id}/members/${pharmacist.id}/remove`),
      200,
    );
    const pharmacistLive = await live(pharmacist);
    await expectSilence([outsiderLive, pharmacistLive], {
      during: async () => {
        expectStatus(
          await save(creator, team.id, {
            baseVersion: 0,
            objectives: ['Autonomie'],
            actions: [],
            reviewDate: inDays(30),
          }),
          201,
        );
        expect(await nurseLive.waitFor('plan:changed')).toEqual({ teamId: team.id, version: 1 });
      },
    });
  });
});

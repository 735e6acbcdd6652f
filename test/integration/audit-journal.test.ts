import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView, AuditPageView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeClock } from '../helpers/clock.js';
import {
  activeTeam,
  expectError,
  expectStatus,
  invite,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

/**
 * The journal as people read it (issue 15): names rather than ids, a filter by professional
 * and by kind, pages, and a CSV with French labels and Paris time.
 */
// Summer time in Paris: UTC+2.
const clock = new FakeClock('2026-07-01T10:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: clock.now });
});
afterAll(() => t.close());

async function page(pro: Pro, teamId: string, query = ''): Promise<AuditPageView> {
  return expectStatus(
    await pro.agent.get<AuditPageView>(`/api/teams/${teamId}/audit${query}`),
    200,
  );
}

/** Every entry, page after page of `limit`. */
async function allPages(pro: Pro, teamId: string, limit: number, filter = '') {
  const entries: AuditEntryView[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const q = new URLSearchParams(filter);
    q.set('limit', String(limit));
    if (next) q.set('before', next);
    const answer = await page(pro, teamId, `?${q.toString()}`);
    expect(answer.entries.length).toBeLessThanOrEqual(limit);
    entries.push(...answer.entries);
    next = answer.next;
    pages++;
  } while (next && pages < 100);
  return { entries, pages };
}

describe('the audit journal', () => {
  it('names what each row is about: the task’s title, the invitee, never an id', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const { task } = expectStatus(
      await creator.agent.post<{ task: { id: string } }>(`/api/teams/${team.id}/tasks`, {
        title: 'Pansement jambe gauche',
        assigneeId: nurse.id,
        due: '2026-07-03',
      }),
      201,
    );
    const { entries } = await page(creator, team.id);
    const created = entries.find((e) => e.code === 'task.create');
    expect(created).toMatchObject({
      action: 'Création d’une tâche',
      kind: 'write',
      detail: 'Tâche « Pansement jambe gauche »',
    });
    expect(entries.filter((e) => e.code === 'invitation.accept').map((e) => e.detail)).toContain(
      `Invitation de ${nurse.input.firstName} ${nurse.input.lastName} (Infirmier·ère)`,
    );
    for (const e of entries) expect(e.detail ?? '').not.toMatch(/[a-f\d]{24}|^\w+:/i);

    // A deleted task is still named as such.
    expectStatus(
      await creator.agent.request('DELETE', `/api/teams/${team.id}/tasks/${task.id}?version=0`),
      204,
    );
    const after = await page(creator, team.id);
    expect(after.entries.find((e) => e.code === 'task.create')?.detail).toBe('Tâche supprimée');
  });

  it('names patient-file entries, events and plan versions by their kind, not their content', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const base = `/api/teams/${team.id}`;
    expectStatus(
      await creator.agent.post(`${base}/file/entries`, {
        part: 'allergy',
        fields: { substance: 'Pénicilline', kind: 'allergie', reaction: 'Urticaire' },
      }),
      201,
    );
    expectStatus(
      await nurse.agent.post(`${base}/events`, {
        kind: 'chute',
        date: '2026-06-30',
        note: 'Chute dans la salle de bains',
        alert: false,
      }),
      201,
    );
    expectStatus(
      await creator.agent.post(`${base}/plan`, {
        baseVersion: 0,
        objectives: ['Maintien à domicile'],
        actions: [{ text: 'Pansement', responsibleId: nurse.id, rhythm: 'chaque jour' }],
        reviewDate: '2026-09-30',
      }),
      201,
    );
    const { entries } = await page(creator, team.id);
    const detailOf = (code: string) => entries.find((e) => e.code === code)?.detail;
    expect(detailOf('file.add')).toMatch(/^Dossier — /);
    expect(detailOf('file.add')).not.toContain('Pénicilline');
    expect(detailOf('event.record')).toMatch(/^Événement — .+, 30\/06\/2026$/);
    expect(detailOf('event.record')).not.toContain('salle de bains');
    expect(detailOf('plan.save')).toBe('Projet personnalisé de soins, version 1');
    for (const e of entries) expect(e.detail ?? '').not.toMatch(/[a-f\d]{24}|^\w+:/i);
  });

  it('pages newest first without gaps or repeats, and filters by professional and kind', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    for (let i = 0; i < 3; i++) expectStatus(await nurse.agent.get(`/api/teams/${team.id}`), 200);
    const everything = (await page(creator, team.id, '?limit=200')).entries;
    // Every row has the same instant (the clock stands still): pages still cut cleanly.
    const { entries, pages } = await allPages(creator, team.id, 3);
    expect(pages).toBeGreaterThan(2);
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The older rows are all there (the reader's own reads were added while paging).
    const older = everything.filter((e) => e.code !== 'audit.read').map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining(older));

    const byNurse = await allPages(creator, team.id, 2, `actor=${nurse.id}`);
    expect(byNurse.entries.length).toBeGreaterThanOrEqual(4);
    expect(new Set(byNurse.entries.map((e) => e.actor.id))).toEqual(new Set([nurse.id]));
    expect(byNurse.entries.filter((e) => e.code === 'team.read')).toHaveLength(3);

    const writes = (await page(creator, team.id, '?kind=write&limit=200')).entries;
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((e) => e.kind === 'write')).toBe(true);
    expect(writes.map((e) => e.code)).toEqual(expect.arrayContaining(['team.create']));
    expect(writes.some((e) => e.code === 'team.read')).toBe(false);
    expect(new Set(writes.map((e) => e.actor.id))).toEqual(
      new Set([creator.id, nurse.id, pharmacist.id]),
    );

    expectError(
      await creator.agent.get(`/api/teams/${team.id}/audit?kind=tout`),
      400,
      'validation_failed',
    );
    expectError(
      await creator.agent.get(`/api/teams/${team.id}/audit?before=x`),
      400,
      'validation_failed',
    );
  });

  it('exports a CSV with names, French labels and Paris time', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    await invite(creator, team.id, { invitee: { email: 'kine@exemple.fr' } });
    const res = await creator.agent.get<string>(`/api/teams/${team.id}/audit/export`);
    expect(res.status).toBe(200);
    const lines = String(res.body)
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((l) => l.length > 0);
    expect(lines[0]).toBe('Date et heure (Paris);Professionnel;Profession;Action;Objet');
    const row = lines.find((l) => l.includes('Invitation envoyée') && l.includes('kine@'));
    expect(row).toBe(
      `01/07/2026 12:00:00;${creator.input.firstName} ${creator.input.lastName};Médecin;Invitation envoyée;Invitation de kine@exemple.fr`,
    );
    expect(
      lines.some((l) =>
        l.includes(`${nurse.input.firstName} ${nurse.input.lastName};Infirmier·ère`),
      ),
    ).toBe(true);
    // No codes, no UTC times, no ids.
    const body = lines.slice(1).join('\n');
    expect(body).not.toMatch(/\binfirmier\b|\bmedecin\b|T10:00|Z;|[a-f\d]{24}/);

    // The export keeps the page's filters.
    const mine = await creator.agent.get<string>(
      `/api/teams/${team.id}/audit/export?actor=${nurse.id}`,
    );
    const rows = String(mine.body)
      .split(/\r?\n/)
      .filter((l) => l.length > 0)
      .slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes(`${nurse.input.firstName} ${nurse.input.lastName}`))).toBe(
      true,
    );
  });

  it('is closed to non-members', async () => {
    const { team } = await activeTeam(t);
    const outsider = await signUpPro(t, { profession: 'medecin' });
    expectError(await outsider.agent.get(`/api/teams/${team.id}/audit?limit=2`), 404, 'not_found');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView, TeamView } from '../../shared/src/views.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  activeTeam,
  buildIdentity,
  connect,
  expectError,
  expectStatus,
  signUpPro,
  teamGet,
  type Pro,
} from '../teamFactories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function audit(pro: Pro, teamId: string): Promise<AuditEntryView[]> {
  return expectStatus(
    await pro.agent.get<{ entries: AuditEntryView[] }>(`/api/teams/${teamId}/audit`),
    200,
  ).entries;
}

/** Entries by `actor`. */
const by = (entries: AuditEntryView[], actor: Pro) =>
  entries.filter((e) => e.actor.id === actor.id);

/**
 * What `action` added to the team's audit trail, newest first, as `reader` lists it before
 * and after: the trail is append-only, so the older list is the tail of the newer one and what
 * is new is the head (no clock involved). The reader's own reads are in it too.
 */
async function added(
  reader: Pro,
  teamId: string,
  action: () => Promise<unknown>,
): Promise<{ entries: AuditEntryView[]; after: AuditEntryView[] }> {
  const before = await audit(reader, teamId);
  await action();
  const after = await audit(reader, teamId);
  expect(after.slice(after.length - before.length)).toEqual(before);
  return { entries: after.slice(0, after.length - before.length), after };
}

function expectNewestFirst(entries: AuditEntryView[]): void {
  const times = entries.map((e) => Date.parse(e.at));
  expect(times.every((x) => !Number.isNaN(x))).toBe(true);
  expect([...times].sort((a, b) => b - a)).toEqual(times);
}

describe('audit trail', () => {
  it('records reads and writes with their actor and action, newest first', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const initial = await audit(creator, team.id);
    expect(initial.length).toBeGreaterThan(0);
    expectNewestFirst(initial);
    for (const e of initial) {
      expect(e).toMatchObject({
        at: expect.any(String) as unknown,
        action: expect.stringMatching(/\S/) as unknown,
        actor: {
          id: expect.any(String) as unknown,
          firstName: expect.any(String) as unknown,
          lastName: expect.any(String) as unknown,
          profession: expect.any(String) as unknown,
        },
      });
    }
    // Creation and the two acceptances left entries by their actors.
    const actors = new Set(initial.map((e) => e.actor.id));
    expect(actors).toEqual(new Set([creator.id, nurse.id, pharmacist.id]));

    const read = await added(pharmacist, team.id, async () =>
      expectStatus(await nurse.agent.get(`/api/teams/${team.id}`), 200),
    );
    const reads = by(read.entries, nurse);
    expect(reads).toHaveLength(1);
    const readAction = reads[0]!.action;

    const write = await added(pharmacist, team.id, async () =>
      expectStatus(
        await nurse.agent.request('PATCH', `/api/teams/${team.id}/patient`, {
          contact: { phone: '0699999999' },
        }),
        200,
      ),
    );
    const afterWrite = write.after;
    const nurseSince = by(write.entries, nurse);
    expect(nurseSince.length).toBeGreaterThanOrEqual(1);
    expect(nurseSince.map((e) => e.action)).not.toEqual([readAction]);
    // The newest entry by the nurse is the write; it came after her read.
    const position = (e: AuditEntryView) =>
      afterWrite.findIndex((x) => JSON.stringify(x) === JSON.stringify(e));
    expect(position(reads[0]!)).toBeGreaterThan(-1);
    expect(position(nurseSince[0]!)).toBeLessThan(position(reads[0]!));
    expectNewestFirst(afterWrite);

    // Entries are never updated nor deleted: the older list is the tail of the newer one.
    expect(afterWrite.slice(afterWrite.length - initial.length)).toEqual(initial);
  });

  it('records GET audit itself, the export and the socket read', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);

    const listed = await added(creator, team.id, () => audit(nurse, team.id));
    expect(by(listed.entries, nurse)).toHaveLength(1);

    const exported = await added(creator, team.id, async () =>
      expect((await pharmacist.agent.get(`/api/teams/${team.id}/audit/export`)).status).toBe(200),
    );
    expect(by(exported.entries, pharmacist)).toHaveLength(1);

    const client = await connect(nurse);
    try {
      const viaSocket = await added(creator, team.id, async () =>
        expect((await teamGet(client, team.id)).ok).toBe(true),
      );
      expect(by(viaSocket.entries, nurse)).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('exports a CSV attachment with a header row and one row per entry', async () => {
    const { team, creator } = await activeTeam(t);
    const entries = await audit(creator, team.id);
    const res = await creator.agent.get<string>(`/api/teams/${team.id}/audit/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;.*filename="?[^"]+\.csv"?/);
    const lines = String(res.body)
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((l) => l.length > 0);
    const [header, ...rows] = lines;
    expect(header).toMatch(/[,;]/);
    expect(header).not.toContain(creator.input.lastName);
    // Every entry listed by GET audit (and the audit read itself) is in the file.
    expect(rows.length).toBeGreaterThanOrEqual(entries.length);
    expect(
      rows.filter((r) => r.includes(creator.input.lastName) || r.includes(creator.id)).length,
    ).toBeGreaterThan(0);
  });

  it('is closed to non-members (404), former members included', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const outsider = await signUpPro(t, { profession: 'medecin' });
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/members/${nurse.id}/remove`), 200);
    for (const pro of [outsider, nurse]) {
      expectError(await pro.agent.get(`/api/teams/${team.id}/audit`), 404, 'not_found');
      expectError(await pro.agent.get(`/api/teams/${team.id}/audit/export`), 404, 'not_found');
    }
    // The removed member's own entries stay.
    expect((await audit(creator, team.id)).some((e) => e.actor.id === nurse.id)).toBe(true);
  });

  it('holds no patient identity, in the list nor in the export', async () => {
    const { team, creator, nurse } = await activeTeam(t);
    const renamed = buildIdentity({ firstNames: 'Marcelline', usedName: 'Quintard' });
    expectStatus(
      await nurse.agent.request<{ team: TeamView }>('PATCH', `/api/teams/${team.id}/patient`, {
        identity: renamed,
      }),
      200,
    );
    const secrets = [
      team.patient.identity.birthName,
      renamed.birthName,
      renamed.usedName!,
      renamed.firstNames,
      team.patient.ins!,
    ];
    const entries = await audit(creator, team.id);
    const text = entries.map((e) => `${e.action} ${e.detail ?? ''}`).join('\n');
    const csv = String((await creator.agent.get(`/api/teams/${team.id}/audit/export`)).body);
    for (const secret of secrets) {
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(csv.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('stays readable after closure', async () => {
    const { team, creator, pharmacist } = await activeTeam(t);
    expectStatus(await creator.agent.post(`/api/teams/${team.id}/close`, { reason: 'deces' }), 200);
    const entries = await audit(pharmacist, team.id);
    expect(entries.some((e) => e.actor.id === creator.id)).toBe(true);
  });
});

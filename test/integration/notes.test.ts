import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeTeam, signUpPro } from '../teamFactories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openNote, waitFor } from '../helpers/notes.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('shared care notes', () => {
  it('two members converge; a late joiner gets the full state; edits are stored before the ack', async () => {
    const { team, creator, nurse, pharmacist } = await activeTeam(t);
    const a = openNote(creator.agent, team.id);
    const b = openNote(nurse.agent, team.id);
    await waitFor(() => a.provider.synced && b.provider.synced);
    a.type('Surveillance glycémie ');
    b.type('Pansement J+2 ');
    await Promise.all([a.saved(), b.saved()]);
    await waitFor(() => a.text() === b.text() && a.text().length > 20);
    expect(a.text()).toContain('Surveillance glycémie');
    expect(a.text()).toContain('Pansement J+2');
    expect(
      await t.db.collection('noteupdates').countDocuments({ docId: `${team.id}:plan` }),
    ).toBeGreaterThanOrEqual(2);

    const late = openNote(pharmacist.agent, team.id);
    await waitFor(() => late.provider.synced);
    expect(late.text()).toBe(a.text());
    for (const c of [a, b, late]) c.close();
  });

  it('refuses a non-member', async () => {
    const { team } = await activeTeam(t);
    const outsider = await signUpPro(t);
    const c = openNote(outsider.agent, team.id);
    await waitFor(() => c.provider.status === 'unavailable');
    expect(c.provider.error?.code).toBe('not_found');
    c.close();
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { calendarDay } from '../../shared/src/tasks.js';
import { browserSuite, doctorAndNurse, screenshotsIn, signIn } from '../helpers/e2e.js';
import { createTeam, expectStatus, getTeam, signUpPro } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/tasks';
/** Changes travel through the server and its database: allow for a slow machine. */
const LIVE = { timeout: 15_000 };

const bellCount = (page: Page) => page.getByTestId('notification-count');

const screenshot = screenshotsIn(SCREENSHOTS);

describe('tasks and notifications in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('a member assigns a task; the other sees the bell rise live, finds the task and marks it done', async () => {
    const { nurse, team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Marie', 'Curie'],
      nurse: ['Camille', 'Durand'],
    });
    // The nurse's notifications so far (the invitation) are read: the bell starts empty.
    expectStatus(await nurse.agent.post('/api/notifications/read-all'), 200);
    await doctorPage.setViewportSize({ width: 1280, height: 900 });

    // The nurse waits on the home page, with the bell in the header.
    await nursePage.goto('/');
    await nursePage.getByRole('link', { name: 'Notifications', exact: true }).waitFor(LIVE);
    expect(await bellCount(nursePage).count()).toBe(0);

    // The doctor opens the tasks from the team page.
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: /^Tâches/ }).click();
    await doctorPage.waitForURL(`**/escap/${team.id}/taches`);
    await doctorPage.getByRole('heading', { name: 'Tâches', level: 1 }).waitFor();

    // A field error in French first: no title.
    await doctorPage.getByRole('button', { name: 'Créer la tâche' }).click();
    await doctorPage.getByText('Le titre est obligatoire.').first().waitFor();

    const due = calendarDay(new Date(Date.now() + 3 * 86_400_000));
    await doctorPage.getByLabel('Tâche', { exact: true }).fill('Pansement jambe gauche');
    await doctorPage
      .getByLabel('Confiée à')
      .selectOption({ label: 'Camille Durand (Infirmier·ère)' });
    await doctorPage.getByLabel('À faire avant le').fill(due);
    await doctorPage.getByRole('button', { name: 'Créer la tâche' }).click();
    await doctorPage.getByText('Tâche créée pour Camille Durand').waitFor(LIVE);

    // The bell rises live; the notification says what happened, and leads to the tasks.
    await bellCount(nursePage).filter({ hasText: '1' }).waitFor(LIVE);
    await nursePage.getByRole('link', { name: 'Notifications : 1 non lue' }).click();
    await nursePage.waitForURL('**/notifications');
    const [, month, day] = due.split('-');
    // A member reads whose ESCAP it is and which task (read at the list, never stored).
    const { identity } = (await getTeam(nurse, team.id)).patient;
    const patient = `${identity.usedName || identity.birthName} ${identity.firstNames}`;
    const text = `Nouvelle tâche pour vous : « Pansement jambe gauche », à faire avant le ${day}/${month} (ESCAP de ${patient})`;
    await nursePage.getByRole('link', { name: text }).waitFor(LIVE);
    await screenshot(nursePage, 'notifications');
    await nursePage.getByRole('link', { name: text }).click();
    await nursePage.waitForURL(`**/escap/${team.id}/taches?tache=*`);
    // Opening it read it, and shows the task itself.
    await bellCount(nursePage).waitFor({ state: 'detached', ...LIVE });
    const checkbox = nursePage.getByRole('checkbox', { name: 'Pansement jambe gauche' });
    // Shown whatever the filters were (the focus landing on it is not asserted: the page's
    // heading focus after navigation races it on a loaded machine).
    await checkbox.waitFor({ state: 'visible', ...LIVE });

    // "Mes tâches" shows it; the nurse marks it done, the doctor sees it live.
    await screenshot(nursePage, 'nurse-tasks');
    await doctorPage.getByRole('radio', { name: /^Toute l’équipe/ }).check();
    await doctorPage.getByRole('checkbox', { name: 'Pansement jambe gauche' }).waitFor(LIVE);
    await checkbox.check();
    await nursePage.getByRole('radio', { name: /^Terminées \(1\)/ }).waitFor(LIVE);
    await doctorPage.getByRole('radio', { name: /^Terminées \(1\)/ }).check(LIVE);
    expect(
      await doctorPage.getByRole('checkbox', { name: 'Pansement jambe gauche' }).isChecked(),
    ).toBe(true);
    await doctorPage.getByText(/terminée par Camille Durand/).waitFor(LIVE);
    await screenshot(doctorPage, 'doctor-done');
    expect(errors).toEqual([]);
  });

  it('an overdue task stands out with the words "En retard", first in the list', async () => {
    const doctor = await signUpPro(suite.app, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const day = (offset: number) => calendarDay(new Date(Date.now() + offset * 86_400_000));
    for (const [title, due] of [
      ['Plus tard', day(5)],
      ['Oubliée', day(-2)],
    ] as const)
      expectStatus(
        await doctor.agent.post(`/api/teams/${team.id}/tasks`, {
          title,
          assigneeId: doctor.id,
          due,
        }),
        201,
      );
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, doctor);
    await page.goto(`/escap/${team.id}`);
    // The team page counts them.
    await page
      .getByRole('link', { name: /Tâches \(2 à faire, 1 en retard, 2 pour moi\)/ })
      .waitFor(LIVE);
    await page.goto(`/escap/${team.id}/taches`);
    const items = page.locator('.task-list > li');
    await items.first().waitFor(LIVE);
    expect(await items.count()).toBe(2);
    await expect.poll(() => items.first().innerText()).toContain('Oubliée');
    expect(await items.first().innerText()).toContain('En retard');
    expect(await items.nth(1).innerText()).not.toContain('En retard');

    // Moved to a later day through "Modifier": no longer overdue, now second.
    await page.getByRole('button', { name: 'Modifier la tâche « Oubliée »' }).click();
    const form = page.locator('.task-edit');
    await form.getByLabel('Tâche', { exact: true }).fill('Rappel');
    await form.getByLabel('À faire avant le').fill(day(7));
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => items.nth(1).innerText(), LIVE).toContain('Rappel');
    expect(await page.getByText('En retard').count()).toBe(0);

    // Deleted after a confirmation.
    await page.getByRole('button', { name: 'Supprimer la tâche « Rappel »' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer la tâche' }).click();
    await expect.poll(() => items.count(), LIVE).toBe(1);
    expect(await items.first().innerText()).toContain('Plus tard');
  });
});

import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import {
  browserSuite,
  doctorAndNurse,
  expectNoHorizontalScroll,
  screenshotsIn,
} from '../helpers/e2e.js';

const SCREENSHOTS = 'test-results/team-events';
const screenshot = screenshotsIn(SCREENSHOTS);

describe('events, alerts and the timeline in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('a member signals a fall as an alert; another member sees it in the timeline and is notified', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Anne', 'Roux'],
      nurse: ['Luc', 'Petit'],
    });
    await doctorPage.goto(`/escap/${team.id}/evenements`);
    await doctorPage.getByRole('heading', { name: 'Chronologie', exact: true }).waitFor();
    await doctorPage.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();
    await nursePage.goto(`/escap/${team.id}`);
    await nursePage.getByRole('link', { name: 'Événements et chronologie' }).click();
    await nursePage.getByRole('heading', { name: 'Signaler un événement' }).waitFor();

    await nursePage.getByRole('button', { name: 'Enregistrer l’événement' }).click();
    await nursePage.getByText('Choisissez le type d’événement.').waitFor();
    await nursePage.getByLabel('Événement', { exact: true }).selectOption({ label: 'Chute' });
    // A fall alerts by default.
    expect(await nursePage.getByLabel('Alerter toute l’équipe maintenant').isChecked()).toBe(true);
    await nursePage.getByLabel('Commentaire (facultatif)').fill('Dans la salle de bains');
    expect(await axeViolations(nursePage)).toEqual([]);
    await expectNoHorizontalScroll(nursePage);
    await nursePage.getByRole('button', { name: 'Enregistrer l’événement' }).click();
    await nursePage.getByText('Événement enregistré ; l’équipe a été alertée.').waitFor();

    // Live on the doctor's timeline, and in the doctor's notifications.
    await doctorPage
      .getByText('Alerte — Chute : Dans la salle de bains (signalé par Luc Petit)')
      .waitFor();
    await doctorPage.goto('/notifications');
    await doctorPage.getByText('Alerte : Luc Petit a signalé un événement important').waitFor();
    expect(await axeViolations(doctorPage)).toEqual([]);
    // The alert opens its event in the timeline, brought into view and marked.
    await doctorPage.getByRole('link', { name: /a signalé un événement important/ }).click();
    await doctorPage.waitForURL(`**/escap/${team.id}/evenements?evenement=*`);
    await doctorPage
      .locator('.landing-item')
      .filter({ hasText: 'Alerte — Chute : Dans la salle de bains' })
      .waitFor();
    await nursePage.getByText('Statut de l’ESCAP').first().waitFor();
    await screenshot(nursePage, '01-timeline');
    expect(errors).toEqual([]);
  });
});

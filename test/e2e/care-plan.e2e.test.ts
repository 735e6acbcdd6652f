import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import {
  browserSuite,
  doctorAndNurse,
  expectNoHorizontalScroll,
  screenshotsIn,
} from '../helpers/e2e.js';

const SCREENSHOTS = 'test-results/care-plan';
const screenshot = screenshotsIn(SCREENSHOTS);

describe('the care plan in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('a member sets up the plan, another sees the new version live and makes an action a task', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Anne', 'Roux'],
      nurse: ['Luc', 'Petit'],
    });
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: 'Ouvrir le projet personnalisé de soins' }).click();
    await doctorPage.getByText('Aucun plan de soins n’a encore été établi').waitFor();
    await nursePage.goto(`/escap/${team.id}/pps`);
    await nursePage.getByText('Aucun plan de soins n’a encore été établi').waitFor();
    await nursePage.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();

    await doctorPage.getByRole('button', { name: 'Établir le plan' }).click();
    await doctorPage.getByRole('button', { name: 'Enregistrer la nouvelle version' }).click();
    await doctorPage.getByText('Indiquez au moins un objectif.').waitFor();
    await doctorPage.getByLabel('Objectif 1').fill('Maintien à domicile');
    await doctorPage.getByRole('button', { name: 'Ajouter une action' }).click();
    await doctorPage.getByLabel('Action 1').fill('Injection d’insuline');
    await doctorPage
      .getByLabel('Professionnel responsable')
      .selectOption({ label: 'Luc Petit (Infirmier·ère)' });
    await doctorPage.getByLabel('Rythme').fill('2 fois par jour');
    await doctorPage.getByLabel('Date de réévaluation').fill('2027-03-01');
    expect(await axeViolations(doctorPage)).toEqual([]);
    await expectNoHorizontalScroll(doctorPage);
    await doctorPage.getByRole('button', { name: 'Enregistrer la nouvelle version' }).click();
    await doctorPage.getByRole('heading', { name: 'Version 1 en vigueur' }).waitFor();

    // Live on the nurse's page.
    await nursePage.getByRole('heading', { name: 'Version 1 en vigueur' }).waitFor();
    await nursePage.getByText('Luc Petit (Infirmier·ère) · 2 fois par jour').waitFor();
    await nursePage
      .getByRole('button', { name: 'En faire une tâche : Injection d’insuline' })
      .click();
    await nursePage.getByLabel('Échéance de la tâche « Injection d’insuline »').fill('2027-01-15');
    await nursePage.getByRole('button', { name: 'Créer la tâche' }).click();
    await nursePage.getByText('Tâche créée pour le professionnel responsable.').waitFor();
    await nursePage
      .getByRole('button', { name: /^PDF de la version 1/ })
      .or(nursePage.getByRole('link', { name: /^PDF de la version 1/ }))
      .waitFor();
    expect(await axeViolations(nursePage)).toEqual([]);
    await expectNoHorizontalScroll(nursePage);
    await screenshot(nursePage, '01-plan');

    await nursePage.goto(`/escap/${team.id}/taches`);
    await nursePage.getByText('Injection d’insuline', { exact: true }).waitFor();
    expect(errors).toEqual([]);
  });
});

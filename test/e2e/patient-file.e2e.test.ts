import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import {
  browserSuite,
  doctorAndNurse,
  expectNoHorizontalScroll,
  screenshotsIn,
} from '../helpers/e2e.js';

const SCREENSHOTS = 'test-results/patient-file';
const screenshot = screenshotsIn(SCREENSHOTS);

describe('the structured patient file in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('a member adds to the file and another sees it live, at 375 px', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Anne', 'Roux'],
      nurse: ['Luc', 'Petit'],
    });
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: 'Ouvrir le dossier' }).click();
    await doctorPage.getByRole('heading', { name: 'Dossier du patient', level: 1 }).waitFor();
    await nursePage.goto(`/escap/${team.id}/dossier`);
    await nursePage.getByRole('heading', { name: 'Allergies et intolérances' }).waitFor();
    await nursePage.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();

    const allergies = doctorPage.getByRole('region', { name: 'Allergies et intolérances' });
    await allergies.getByRole('button', { name: /^Ajouter/ }).click();
    await allergies.getByRole('button', { name: 'Enregistrer' }).click();
    await allergies.getByText('La substance est obligatoire.').waitFor();
    expect(
      await allergies.getByLabel('Substance').evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await allergies.getByLabel('Substance').fill('Pénicilline');
    await allergies.getByLabel('Type').selectOption({ label: 'Allergie' });
    await allergies.getByLabel('Réaction').fill('Urticaire');
    expect(await axeViolations(doctorPage)).toEqual([]);
    await allergies.getByRole('button', { name: 'Enregistrer' }).click();
    await allergies.getByText('Pénicilline — Allergie — Urticaire', { exact: true }).waitFor();
    await allergies.getByText('Ajouté par Anne Roux le').waitFor();

    // Live on the other member's page, without a reload.
    const seen = nursePage.getByRole('region', { name: 'Allergies et intolérances' });
    await seen.getByText('Pénicilline — Allergie — Urticaire', { exact: true }).waitFor();

    const carers = nursePage.getByRole('region', { name: 'Aidants et proches' });
    await carers.getByRole('button', { name: /^Ajouter/ }).click();
    await carers.getByLabel('Nom').fill('Paul Martin');
    await carers.getByLabel('Lien avec le patient').fill('Fils');
    await carers.getByLabel('Téléphone').fill('06 12 34 56 78');
    await carers.getByLabel('Peut être appelé(e) par l’équipe').check();
    await carers.getByRole('button', { name: 'Enregistrer' }).click();
    await carers.getByText('Paul Martin — Fils', { exact: true }).waitFor();
    await doctorPage
      .getByRole('region', { name: 'Aidants et proches' })
      .getByText('Peut être appelé(e)', { exact: true })
      .waitFor();

    // The nurse edits the doctor's entry: it now says who wrote it last.
    await seen
      .getByRole('button', { name: 'Modifier « Pénicilline — Allergie — Urticaire »' })
      .click();
    await seen.getByLabel('Réaction').fill('Œdème de Quincke');
    await seen.getByRole('button', { name: 'Enregistrer' }).click();
    await allergies
      .getByText('Pénicilline — Allergie — Œdème de Quincke', { exact: true })
      .waitFor();
    await allergies.getByText('Modifié par Luc Petit le').waitFor();

    for (const page of [doctorPage, nursePage]) {
      await expectNoHorizontalScroll(page);
      expect(await axeViolations(page)).toEqual([]);
    }
    await screenshot(doctorPage, '01-file');
    expect(errors).toEqual([]);
  });
});

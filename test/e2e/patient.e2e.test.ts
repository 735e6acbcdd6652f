import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from '../helpers/e2e.js';
import {
  buildIdentity,
  buildPatient,
  createTeam,
  inviteAndAccept,
  signUpPros,
  VALID_INS,
  type Pro,
} from '../teamFactories.js';

const SCREENSHOTS = 'test-results/patient';
const INS_ERROR = 'Le matricule INS est invalide (15 caractères, clé de contrôle).';

describe('editing the patient file in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  /** The team page, in a suite.browser holding the session the professional signed up with. */
  async function openTeamAs(pro: Pro, teamId: string): Promise<Page> {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await page
      .context()
      .addCookies(
        [...pro.agent.cookies].map(([name, value]) => ({ name, value, url: suite.app.baseUrl })),
      );
    await page.goto(`/escap/${teamId}`);
    await page.getByRole('heading', { name: 'Dupont Marie Louise' }).waitFor();
    // Live from now on: nothing sent to the team room is missed.
    await page.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();
    return page;
  }

  /** The value shown for a term of the patient summary. */
  function fact(page: Page, term: string) {
    return page.locator('section[aria-labelledby="patient-title"] dl > div').filter({
      has: page.locator('dt', { hasText: term }),
    });
  }

  async function isFocused(page: Page, selector: string): Promise<boolean> {
    return page.locator(selector).evaluate((el) => el === document.activeElement);
  }

  it('saves the edits of a member, shows them live to another, and checks the INS', async () => {
    const [doctor, nurse] = await signUpPros(suite.app, ['medecin', 'infirmier']);
    const { team } = await createTeam(doctor!, {
      patient: buildPatient({
        identity: buildIdentity({ birthName: 'Dupont', firstNames: 'Marie Louise' }),
      }),
    });
    await inviteAndAccept(doctor!, team.id, nurse!);
    const [doctorPage, nursePage] = await Promise.all([
      openTeamAs(doctor!, team.id),
      openTeamAs(nurse!, team.id),
    ]);
    expect(await fact(doctorPage, 'Matricule INS').textContent()).toContain(VALID_INS);

    // Cancelling leaves the file as it was and gives focus back to the button.
    const edit = doctorPage.getByRole('button', { name: 'Modifier le dossier du patient' });
    await edit.click();
    expect(await isFocused(doctorPage, '#patient-edit-title')).toBe(true);
    expect(await doctorPage.getByLabel('Nom de naissance').inputValue()).toBe('Dupont');
    expect(await doctorPage.getByLabel('Matricule INS (facultatif)').inputValue()).toBe(VALID_INS);
    await doctorPage.getByLabel('Nom d’usage (facultatif)').fill('Ignoré');
    await doctorPage.getByRole('button', { name: 'Annuler' }).click();
    expect(await isFocused(doctorPage, '#patient-edit')).toBe(true);
    expect(await fact(doctorPage, 'Nom d’usage').count()).toBe(0);

    // Used name and phone, prefilled with the rest of the file, saved.
    await edit.click();
    expect(await doctorPage.getByLabel('Téléphone').inputValue()).toBe('01 23 45 67 89');
    await doctorPage.getByLabel('Nom d’usage (facultatif)').fill('Martin');
    await doctorPage.getByLabel('Téléphone').fill('06 12 34 56 78');
    await doctorPage.screenshot({ path: `${SCREENSHOTS}/01-edit-form.png`, fullPage: true });
    await doctorPage.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await doctorPage
      .getByRole('status')
      .filter({ hasText: 'Dossier du patient enregistré.' })
      .waitFor();
    expect(await isFocused(doctorPage, '#patient-title')).toBe(true);
    await doctorPage.getByRole('heading', { name: 'Martin Marie Louise', level: 1 }).waitFor();
    expect(await fact(doctorPage, 'Nom d’usage').textContent()).toContain('Martin');
    expect(await fact(doctorPage, 'Téléphone').textContent()).toContain('06 12 34 56 78');
    expect(await fact(doctorPage, 'Matricule INS').textContent()).toContain(VALID_INS);

    // The other member's open page follows without a reload.
    await nursePage.getByRole('heading', { name: 'Martin Marie Louise', level: 1 }).waitFor();
    await fact(nursePage, 'Téléphone').filter({ hasText: '06 12 34 56 78' }).waitFor();
    expect(await fact(nursePage, 'Nom d’usage').textContent()).toContain('Martin');

    // An invalid INS: French error on the field, which gets the focus; nothing is sent.
    await edit.click();
    const ins = doctorPage.getByLabel('Matricule INS (facultatif)');
    await ins.fill('123456789012345');
    await doctorPage.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await doctorPage.getByRole('alert').getByText(INS_ERROR).waitFor();
    expect(await ins.getAttribute('aria-invalid')).toBe('true');
    expect(await isFocused(doctorPage, '#patient-ins')).toBe(true);
    const describedBy = (await ins.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain('patient-ins-error');
    expect(await doctorPage.locator('#patient-ins-error').textContent()).toContain(INS_ERROR);
    await doctorPage.screenshot({ path: `${SCREENSHOTS}/02-invalid-ins.png`, fullPage: true });

    // Emptied, the INS is removed from the file.
    await ins.fill('');
    await doctorPage.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await fact(doctorPage, 'Matricule INS').filter({ hasText: 'Non renseigné' }).waitFor();
    await fact(nursePage, 'Matricule INS').filter({ hasText: 'Non renseigné' }).waitFor();
  });
});

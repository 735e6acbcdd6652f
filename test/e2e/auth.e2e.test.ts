import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from '../helpers/e2e.js';

function uniqueRpps(): string {
  return Array.from({ length: 11 }, () => String(randomInt(10))).join('');
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe('sign-up, sign-out and sign-in in the browser', () => {
  const suite = browserSuite();

  it('creates an account, signs out and signs back in with the e-mail', async () => {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    const rpps = uniqueRpps();
    const email = `e2e-${rpps}@example.org`;
    const password = 'un mot de passe solide';

    await page.goto('/');
    await page.waitForURL('**/connexion');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();

    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await page.waitForURL('**/inscription');
    await page.getByLabel('Numéro RPPS').fill(rpps);
    await page.getByLabel('Profession').selectOption({ label: 'Infirmier·ère' });
    await page.getByLabel('Prénom').fill('Camille');
    await page.getByLabel('Nom', { exact: true }).fill('Durand');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();

    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    expect(pathOf(page)).toBe('/');
    expect(await page.getByText('Bonjour Camille Durand').textContent()).toContain('Infirmier·ère');
    await page.getByText('Vous ne participez encore à aucune ESCAP.').waitFor();
    await page.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(pathOf(page)).toBe('/connexion');

    await page.getByLabel('Identifiant').fill(email);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    await page.getByText('Bonjour Camille Durand').waitFor();
  });

  it('shows the French error of a wrong password in an alert', async () => {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await page.goto('/connexion');

    // Client-side validation first: the empty form is refused and the first field focused.
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').waitFor();
    const identifier = page.getByLabel('Identifiant');
    expect(await identifier.getAttribute('aria-invalid')).toBe('true');
    expect(await identifier.evaluate((el) => el === document.activeElement)).toBe(true);

    await identifier.fill('personne@example.org');
    await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Identifiant ou mot de passe incorrect.' })
      .waitFor();
    expect(pathOf(page)).toBe('/connexion');
  });
});

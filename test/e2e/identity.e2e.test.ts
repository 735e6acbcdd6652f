import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { importDirectory } from '../../server/src/directory/importer.js';
import { syntheticLines } from '../../server/src/directory/synthetic.js';
import { buildSignUp, uniqueRpps } from '../factories.js';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn, signIn } from '../helpers/e2e.js';
import { linkIn, startMailbox, type Mailbox } from '../helpers/mailbox.js';
import { pscIdentity, startOidcProvider, type TestOidcProvider } from '../helpers/oidc.js';
import { createTeam, signUpPro } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/identity';
const screenshot = screenshotsIn(SCREENSHOTS);
const pathOf = (page: Page) => new URL(page.url()).pathname;

describe('identity in the browser', () => {
  let mailbox: Mailbox | undefined;
  let idp: TestOidcProvider | undefined;
  const suite = browserSuite(SCREENSHOTS, async () => {
    [mailbox, idp] = await Promise.all([startMailbox(), startOidcProvider()]);
    return {
      env: {
        SMTP_URL: mailbox.url,
        PSC_ISSUER: idp.issuer,
        PSC_CLIENT_ID: idp.clientId,
        PSC_CLIENT_SECRET: idp.clientSecret,
      },
    };
  });
  afterAll(async () => {
    await mailbox?.close();
    await idp?.close();
  });

  it('signs in with Pro Santé Connect through the whole redirect flow, then again at once', async () => {
    idp!.register(`${suite.app.baseUrl}/api/auth/psc/callback`);
    const rpps = uniqueRpps();
    idp!.accounts.set(`psc-${rpps}`, pscIdentity(rpps, '10', { first: 'Zoé', last: 'LEFÈVRE' }));
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await page.goto('/connexion');
    const button = page.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' });
    await button.waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '01-signin-psc');
    await button.click();

    // At the provider (its development login and consent pages).
    await page.waitForURL(`${idp!.issuer}/**`);
    await page.locator('input[name="login"]').fill(`psc-${rpps}`);
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back at ESCAP: a first sign-in asks for the address.
    await page.waitForURL('**/connexion/pro-sante-connect');
    await page.getByText('Pro Santé Connect vous a identifié·e').waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '02-psc-first-sign-in');
    await page.getByLabel('E-mail').fill(`zoe.${rpps}@exemple.fr`);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    expect(await page.getByText('Bonjour Zoé LEFÈVRE').textContent()).toContain('Médecin');
    // The address is to be confirmed.
    await page.getByText('Confirmez votre adresse e-mail').waitFor();

    await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await page.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' }).click();
    // The provider remembers the session and the consent: straight back, signed in.
    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    expect(pathOf(page)).toBe('/');
  });

  it('verifies the address from the mailed link, and resets a forgotten password', async () => {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    const pro = await signUpPro(suite.app);
    await signIn(page, pro);
    await page.goto('/');
    await page.getByText('Confirmez votre adresse e-mail').waitFor();
    await page.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '03-verification-banner');
    const verification = linkIn(
      await mailbox!.next(pro.input.email, /confirmez votre adresse/),
      '/email/confirmation/',
    );
    await page.goto(new URL(verification.url).pathname);
    await page.getByText('votre adresse e-mail est confirmée').waitFor();
    await page.getByRole('link', { name: 'Aller à Mes ESCAP' }).click();
    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    expect(await page.getByText('Confirmez votre adresse e-mail').count()).toBe(0);

    // Forgotten password, from a signed-out page.
    await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.getByRole('heading', { name: 'Mot de passe oublié' }).waitFor();
    await page.getByLabel('E-mail').fill(pro.input.email);
    await page.getByRole('button', { name: 'Recevoir le lien' }).click();
    await page.getByText(`Si un compte existe avec l’adresse ${pro.input.email}`).waitFor();
    const reset = linkIn(
      await mailbox!.next(pro.input.email, /nouveau mot de passe/),
      '/mot-de-passe/nouveau/',
    );
    await page.goto(new URL(reset.url).pathname);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('password1234');
    await page.getByLabel('Confirmez le mot de passe').fill('password1234');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByRole('alert').filter({ hasText: 'trop facile à deviner' }).waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '04-reset-weak');
    const password = 'une phrase longue et peu commune';
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
    await page.getByLabel('Confirmez le mot de passe').fill(password);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByText('Votre mot de passe a été changé').waitFor();
    await page.getByRole('link', { name: 'Se connecter' }).click();
    await page.getByLabel('Identifiant').fill(pro.input.email);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
  });

  it('invites from the directory search: a registered professional, and one by e-mail', async () => {
    await importDirectory(suite.app.app.services.directoryModels, {
      source: Readable.from(
        (function* () {
          for (const line of syntheticLines({ professionals: 50, withDemo: false }))
            yield `${line}\n`;
        })(),
      ),
      synthetic: true,
    });
    const found = await suite.app.app.services.directoryModels.Line.findOne({
      professionCode: '10',
    }).lean();
    const doctor = await signUpPro(suite.app, {
      rpps: found!.rpps,
      firstName: found!.firstName,
      lastName: found!.lastName,
      profession: 'medecin',
    });
    const { team } = await createTeam(doctor);
    const nurseLine = await suite.app.app.services.directoryModels.Line.findOne({
      professionCode: '60',
    }).lean();

    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, doctor);
    await page.goto(`/escap/${team.id}`);
    await page.getByLabel('Rechercher dans l’annuaire santé').check();
    await page.getByText('Annuaire FICTIF de démonstration').waitFor();
    // Lower case, no accents: the directory search finds them anyway.
    const query = nurseLine!.lastName.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    await page.getByLabel('Nom du professionnel').fill(`${query} ${nurseLine!.firstName}`);
    await page.getByRole('button', { name: 'Rechercher dans l’annuaire' }).click();
    const results = page.getByRole('list', { name: 'Résultats de l’annuaire' });
    await results.waitFor();
    const item = results.getByRole('listitem').filter({ hasText: nurseLine!.city });
    expect(await item.first().textContent()).toContain('Infirmier');
    await expectNoHorizontalScroll(page);
    await screenshot(page, '05-directory-search');
    await item
      .first()
      .getByRole('button', { name: /^Choisir/ })
      .click();
    const email = `${buildSignUp().rpps}@exemple.fr`;
    await page.getByLabel(`E-mail de ${nurseLine!.firstName} ${nurseLine!.lastName}`).fill(email);
    await page.getByRole('button', { name: 'Inviter', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Invitation envoyée à ${email}` })
      .waitFor();
    await mailbox!.next(email, /invitation à rejoindre/);
  });
});

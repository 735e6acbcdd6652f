import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignUpInput } from '../../shared/src/schemas/auth.js';
import { buildSignUp } from '../factories.js';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn } from '../helpers/e2e.js';
import { fillGrid } from '../helpers/grid.js';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';

const SCREENSHOTS = 'test-results/teams';

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Signs up through the API with the page's own cookies (the context's request shares them). */
async function signUpWithApi(page: Page, overrides: Partial<SignUpInput>): Promise<SignUpInput> {
  const input = buildSignUp(overrides);
  await page.request.get('/api/session');
  const csrf = (await page.context().cookies()).find((c) => c.name === 'escap_csrf');
  const res = await page.request.post('/api/auth/signup', {
    data: input,
    headers: { 'X-CSRF-Token': decodeURIComponent(csrf?.value ?? '') },
  });
  expect(res.status()).toBe(201);
  return input;
}

/** "Mes ESCAP" with the realtime connection up, so that nothing sent from now on is missed. */
async function openHome(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'En ligne' }).waitFor();
}

/** Usable at 375 px: nothing wider than the viewport. */
async function createTeamAsSelf(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Créer une ESCAP' }).click();
  await page.getByRole('heading', { name: 'Créer une ESCAP' }).waitFor();
  await page.getByText('Score : 0 / 26 — seuil 13').waitFor();

  await page.getByLabel('Nom de naissance').fill('Dupont');
  await page.getByLabel('Prénoms').fill('Marie Louise');
  await page.getByLabel('Féminin').check();
  await page.getByLabel('Date de naissance').fill('1942-05-02');
  await page.getByLabel('Code INSEE du lieu de naissance').fill('75056');
  await page.getByLabel('Situation du patient').selectOption({ label: 'Soins palliatifs' });
  await fillGrid(page, 1, { age: 2, mobilite: 2 });
  await page.getByText('Score : 15 / 26 — seuil 13 : atteint').waitFor();
  await page.getByLabel('Oral').check();
  expect(await page.getByLabel('Moi-même').isChecked()).toBe(true);
  await expectNoHorizontalScroll(page);
  await screenshot(page, '01-create-form');

  await page.getByRole('button', { name: 'Créer l’ESCAP' }).click();
  await page.waitForURL(/\/escap\/[a-f\d]{24}$/);
  await page.getByRole('heading', { name: 'Dupont Marie Louise' }).waitFor();
  return pathOf(page).split('/').at(-1)!;
}

async function inviteByRpps(page: Page, who: SignUpInput): Promise<void> {
  const name = `${who.firstName} ${who.lastName}`;
  await page.getByLabel('Numéro RPPS').fill(who.rpps);
  await page
    .getByRole('status')
    .filter({ hasText: `Trouvé : ${name}` })
    .waitFor();
  await page.getByRole('button', { name: 'Inviter', exact: true }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Invitation envoyée à ${name}` })
    .waitFor();
}

/** The invitation appears live in the inbox (no reload); accepting opens the team. */
async function acceptFromInbox(page: Page, from: SignUpInput): Promise<void> {
  const accept = page.getByRole('button', { name: /^Accepter/ });
  await accept.waitFor();
  const item = page.getByRole('listitem').filter({ has: accept });
  expect(await item.textContent()).toContain(`${from.firstName} ${from.lastName} (Médecin)`);
  expect(await item.textContent()).toContain('Expire le');
  await accept.click();
  await page.getByRole('heading', { name: 'Dupont Marie Louise' }).waitFor();
}

const screenshot = screenshotsIn(SCREENSHOTS);

describe('ESCAP care teams in the browser', () => {
  let mailbox: Mailbox | undefined;
  const suite = browserSuite(SCREENSHOTS, async () => {
    mailbox = await startMailbox();
    return { env: { SMTP_URL: mailbox.url } };
  });
  afterAll(() => mailbox?.close());

  it('creates a team, invites two professionals who accept live, and it turns active live', async () => {
    const [doctorPage, nursePage, pharmacistPage, outsiderPage] = await Promise.all([
      suite.browser.newPage(suite.app.baseUrl),
      suite.browser.newPage(suite.app.baseUrl),
      suite.browser.newPage(suite.app.baseUrl),
      suite.browser.newPage(suite.app.baseUrl),
    ]);
    const doctor = await signUpWithApi(doctorPage, {
      profession: 'medecin',
      firstName: 'Jeanne',
      lastName: 'Martin',
    });
    const nurse = await signUpWithApi(nursePage, {
      profession: 'infirmier',
      firstName: 'Camille',
      lastName: 'Durand',
    });
    const pharmacist = await signUpWithApi(pharmacistPage, {
      profession: 'pharmacien',
      firstName: 'Paul',
      lastName: 'Bernard',
    });

    await Promise.all([openHome(doctorPage), openHome(nursePage), openHome(pharmacistPage)]);
    await nursePage.getByText('Aucune invitation en attente.').waitFor();
    await pharmacistPage.getByText('Aucune invitation en attente.').waitFor();

    const teamId = await createTeamAsSelf(doctorPage);
    const status = doctorPage.getByRole('status').filter({ hasText: 'Statut de l’ESCAP' });
    expect(await status.textContent()).toContain('En attente');
    await doctorPage.getByText('Il manque 2 professionnels (au moins 3 membres).').waitFor();

    await inviteByRpps(doctorPage, nurse);
    await inviteByRpps(doctorPage, pharmacist);
    await doctorPage.getByRole('heading', { name: 'Invitations en attente (2)' }).waitFor();

    await nursePage.getByRole('button', { name: /^Accepter/ }).waitFor();
    await expectNoHorizontalScroll(nursePage);
    await screenshot(nursePage, '02-home-invitation');
    await acceptFromInbox(nursePage, doctor);
    await doctorPage.getByText('Il manque 1 professionnel (au moins 3 membres).').waitFor();

    await acceptFromInbox(pharmacistPage, doctor);

    // The creator's page, left open, turns active without a reload.
    await status.filter({ hasText: 'Active' }).waitFor();
    await doctorPage.getByRole('heading', { name: 'Membres (3)' }).waitFor();
    expect(await doctorPage.getByText('Il manque').count()).toBe(0);
    await expectNoHorizontalScroll(doctorPage);
    await screenshot(doctorPage, '03-team-active');

    // Back on "Mes ESCAP", the team is listed as active with its three members.
    await nursePage.getByRole('link', { name: '← Mes ESCAP' }).click();
    const row = nursePage.getByRole('listitem').filter({ hasText: 'Dupont Marie Louise' });
    await row.filter({ hasText: 'Active' }).waitFor();
    expect(await row.textContent()).toContain('3 membres');
    expect(await row.textContent()).toMatch(
      /Fin de la période d’un an\s:\s\d{1,2}(er)?\s\S+\s\d{4}/,
    );
    await screenshot(nursePage, '04-home-teams');

    // Someone outside the team learns nothing, not even that it exists.
    await signUpWithApi(outsiderPage, { profession: 'masseur_kinesitherapeute' });
    await outsiderPage.goto(`/escap/${teamId}`);
    await outsiderPage.getByRole('heading', { name: 'ESCAP introuvable' }).waitFor();
    expect(await outsiderPage.getByText('Dupont').count()).toBe(0);
    await screenshot(outsiderPage, '05-not-found');
  });

  it('lets a professional signed out follow an e-mail invitation link, sign up and join', async () => {
    const [doctorPage, guestPage] = await Promise.all([
      suite.browser.newPage(suite.app.baseUrl),
      suite.browser.newPage(suite.app.baseUrl),
    ]);
    await signUpWithApi(doctorPage, { profession: 'medecin', firstName: 'Luc', lastName: 'Petit' });
    await openHome(doctorPage);
    await createTeamAsSelf(doctorPage);

    await doctorPage.getByLabel('Par e-mail').check();
    await doctorPage.getByLabel('E-mail', { exact: true }).fill('sage-femme@exemple.fr');
    await doctorPage.getByRole('button', { name: 'Inviter', exact: true }).click();
    const linkField = doctorPage.getByLabel('Lien d’invitation à transmettre');
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(/\/invitation\/[\w-]{20,}$/);
    await screenshot(doctorPage, '06-team-email-link');

    await guestPage.goto(new URL(link).pathname);
    await guestPage.getByText('Luc Petit (Médecin) vous invite').waitFor();
    expect(await guestPage.getByText('Dupont').count()).toBe(0);
    await expectNoHorizontalScroll(guestPage);
    await screenshot(guestPage, '07-invitation-link');
    await guestPage.getByRole('link', { name: 'Créer un compte' }).click();
    await guestPage.waitForURL('**/inscription?invitation=*');

    const guest = buildSignUp({ profession: 'sage_femme', email: 'sage-femme@exemple.fr' });
    await guestPage.getByLabel('Numéro RPPS').fill(guest.rpps);
    await guestPage.getByLabel('Profession').selectOption({ label: 'Sage-femme' });
    await guestPage.getByLabel('Prénom').fill(guest.firstName);
    await guestPage.getByLabel('Nom', { exact: true }).fill(guest.lastName);
    await guestPage.getByLabel('E-mail').fill(guest.email);
    await guestPage.getByLabel('Mot de passe').fill(guest.password);
    await guestPage.getByRole('button', { name: 'Créer mon compte' }).click();

    // Back on the invitation, signed in. The address is not confirmed yet, so the link alone
    // is not enough: a code sent to the invited address proves it is theirs.
    await guestPage.waitForURL('**/invitation/*');
    await guestPage.getByRole('button', { name: 'Rejoindre l’équipe' }).click();
    await guestPage.getByRole('button', { name: 'Recevoir un code' }).click();
    await guestPage.getByText('Le code a été envoyé.').waitFor();
    const codeMail = await mailbox!.next('sage-femme@exemple.fr', /votre code/);
    const code = /^\s+(\d{6})$/m.exec(codeMail.text)![1]!;
    await expectNoHorizontalScroll(guestPage);
    await screenshot(guestPage, '07b-invitation-code');
    await guestPage.getByLabel('Code reçu par e-mail').fill(code);
    await guestPage.getByRole('button', { name: 'Rejoindre l’équipe' }).click();
    await guestPage.getByRole('heading', { name: 'Dupont Marie Louise' }).waitFor();
    await doctorPage.getByRole('heading', { name: 'Membres (2)' }).waitFor();

    // The link is single-use.
    await guestPage.goto(new URL(link).pathname);
    await guestPage.getByRole('alert').filter({ hasText: 'déjà été utilisée' }).waitFor();
  });

  it('validates the creation form, then withdraws consent and closes the team read-only', async () => {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signUpWithApi(page, { profession: 'medecin', firstName: 'Anne', lastName: 'Roux' });
    await openHome(page);

    // Client-side validation with the shared schema: summary, field errors, focus.
    await page.getByRole('link', { name: 'Créer une ESCAP' }).click();
    await page.getByText('Score : 0 / 26 — seuil 13').waitFor();
    await fillGrid(page, 0, { age: 2 });
    await page.getByRole('button', { name: 'Créer l’ESCAP' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'champs sont à corriger' });
    await summary.getByText('Le nom de naissance est obligatoire.').waitFor();
    await summary.getByText('Le score d’inclusion est inférieur au seuil en vigueur.').waitFor();
    const birthName = page.getByLabel('Nom de naissance');
    expect(await birthName.getAttribute('aria-invalid')).toBe('true');
    expect(await birthName.evaluate((el) => el === document.activeElement)).toBe(true);
    const describedBy = (await birthName.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(
      'Le nom de naissance est obligatoire.',
    );
    await screenshot(page, '08-create-errors');

    await page.goto('/');
    await createTeamAsSelf(page);

    await page.getByRole('button', { name: 'Retirer le consentement' }).click();
    const withdraw = page.getByRole('dialog', { name: 'Retirer le consentement' });
    await withdraw.getByRole('button', { name: 'Retirer le consentement' }).click();
    await page.getByText('Consentement retiré — lecture seule').waitFor();
    expect(await page.getByRole('heading', { name: 'Inviter un professionnel' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Quitter l’équipe' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Enregistrer un nouveau consentement' }).waitFor();
    await screenshot(page, '09-consent-withdrawn');

    await page.getByRole('button', { name: 'Clôturer' }).click();
    const close = page.getByRole('dialog', { name: 'Clôturer l’ESCAP' });
    await close.getByRole('button', { name: 'Clôturer définitivement' }).click();
    await close.getByText('Choisissez le motif de clôture.').waitFor();
    await close.getByLabel('Motif de clôture').selectOption({ label: 'Retrait du consentement' });
    await screenshot(page, '10-close-dialog');
    await close.getByRole('button', { name: 'Clôturer définitivement' }).click();
    await page.getByText('ESCAP clôturée — dossier en lecture seule').waitFor();
    const status = page.getByRole('status').filter({ hasText: 'Statut de l’ESCAP' });
    expect(await status.textContent()).toContain('Clôturée');
    expect(await page.getByRole('button', { name: 'Clôturer' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Consulter le journal d’accès' }).click();
    await page.getByRole('heading', { name: 'Journal d’accès' }).waitFor();
    const exportLink = page.getByRole('link', { name: 'Exporter (CSV)' });
    expect(await exportLink.getAttribute('href')).toMatch(
      /^\/api\/teams\/[a-f\d]{24}\/audit\/export$/,
    );
    // The journal's rows load after the heading and the export link: wait for them.
    await page.getByRole('listitem').nth(3).waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '11-audit');
  });
});

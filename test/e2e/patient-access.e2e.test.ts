import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CODE_REFUSED,
  SESSION_ENDED,
} from '../../client/src/features/patientaccess/patient-access.js';
import { calendarDay } from '../../shared/src/tasks.js';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn, signIn } from '../helpers/e2e.js';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';
import { startSmsGateway, type SmsGateway } from '../helpers/smsGateway.js';
import { createTeam, expectStatus, inviteAndAccept, signUpPro } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/patient-access';
const screenshot = screenshotsIn(SCREENSHOTS);
const PHONE = { width: 375, height: 812 };

describe('the patient’s own view in the browser', () => {
  let mailbox: Mailbox | undefined;
  const suite = browserSuite(SCREENSHOTS, async () => {
    mailbox = await startMailbox();
    return { env: { SMTP_URL: mailbox.url } };
  });
  afterAll(async () => {
    await mailbox?.close();
  });

  async function phonePage(errors: string[]): Promise<Page> {
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await page.setViewportSize(PHONE);
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  }

  it('a member opens an access and sends a code; the patient reads their team, plan and journal until it is revoked', async () => {
    // The team, its members and its care plan: data, built through the API.
    const [doctor, nurse, pharmacist] = await Promise.all([
      signUpPro(suite.app, { profession: 'medecin', firstName: 'Anne', lastName: 'Roux' }),
      signUpPro(suite.app, { profession: 'infirmier', firstName: 'Luc', lastName: 'Petit' }),
      signUpPro(suite.app, { profession: 'pharmacien', firstName: 'Inès', lastName: 'Garnier' }),
    ]);
    const { team } = await createTeam(doctor);
    await inviteAndAccept(doctor, team.id, nurse);
    await inviteAndAccept(doctor, team.id, pharmacist);
    expectStatus(
      await doctor.agent.post(`/api/teams/${team.id}/plan`, {
        baseVersion: 0,
        objectives: ['Maintien à domicile'],
        actions: [
          { text: 'Pansement de la jambe', responsibleId: nurse.id, rhythm: 'chaque jour' },
        ],
        reviewDate: calendarDay(new Date(Date.now() + 90 * 86_400_000)),
      }),
      201,
    );
    const errors: string[] = [];
    const address = `claire.martin.${team.id}@example.org`;

    // The médecin traitant opens an access for the patient's daughter.
    const doctorPage = await phonePage(errors);
    await signIn(doctorPage, doctor);
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: /^Accès du patient/ }).click();
    const panel = doctorPage.locator('section[aria-labelledby="patient-access-title"]');
    // Opening the team page did not read the accesses: that is one more audited read, asked.
    await panel.getByRole('button', { name: 'Afficher les accès du patient' }).click();
    await panel.getByText('Aucun accès n’a été ouvert.').waitFor();
    // No SMS gateway on this server: no SMS choice, said in French.
    await panel.getByText('L’envoi des codes par SMS n’est pas configuré sur ce serveur').waitFor();
    expect(await panel.getByRole('radio', { name: 'SMS' }).count()).toBe(0);
    await panel.getByLabel('Un aidant qu’il désigne').check();
    await panel.getByLabel('Nom de l’aidant').fill('Claire Martin');
    await panel.getByLabel('Lien avec le patient (facultatif)').fill('fille');
    await panel.getByLabel('Adresse e-mail').fill(address);
    // Without the patient's consent, nothing is sent: the French error, on the checkbox.
    await panel.getByRole('button', { name: 'Ouvrir l’accès' }).click();
    await panel
      .getByRole('alert')
      .getByText('Le consentement du patient est obligatoire.')
      .waitFor();
    const consent = panel.getByLabel('Le patient accepte de recevoir ses codes d’accès');
    expect(await consent.getAttribute('aria-invalid')).toBe('true');
    expect(await consent.evaluate((el) => el === document.activeElement)).toBe(true);
    await consent.check();
    await panel.getByRole('button', { name: 'Ouvrir l’accès' }).click();
    await panel.getByRole('status').getByText('Accès ouvert pour Claire Martin.').waitFor();
    const item = panel.getByRole('listitem').filter({ hasText: 'Claire Martin' });
    await item.getByText('Aidant·e (fille)').waitFor();
    await item.getByText(address).waitFor();
    await item.getByText('Actif', { exact: true }).waitFor();

    // A code is sent: the page confirms it, the code is in the e-mail only.
    const before = mailbox!.mails.length;
    await item.getByRole('button', { name: 'Envoyer un code à Claire Martin' }).click();
    await panel
      .getByRole('status')
      .getByText(`Un code d’accès a été envoyé à ${address}.`)
      .waitFor();
    const mail = await mailbox!.next(address, /code d’accès/, before);
    const code = /Votre code d’accès : (\d{8})/.exec(mail.text)?.[1];
    expect(code).toBeDefined();
    expect(await doctorPage.locator('main').textContent()).not.toContain(code!);
    expect(await axeViolations(doctorPage)).toEqual([]);
    await expectNoHorizontalScroll(doctorPage);
    await screenshot(doctorPage, '01-team-panel');

    // The patient's browser: no professional session, a context of its own.
    const patientPage = await phonePage(errors);
    await patientPage.goto('/patient');
    await patientPage.getByRole('heading', { name: 'Consulter mon équipe de soins' }).waitFor();
    expect(new URL(patientPage.url()).pathname).toBe('/patient');
    expect(await axeViolations(patientPage)).toEqual([]);
    await expectNoHorizontalScroll(patientPage);
    await screenshot(patientPage, '02-patient-code');

    // A wrong code: one French message, on the code field, which gets the focus.
    const wrong = String((Number(code) + 1) % 1e8).padStart(8, '0');
    await patientPage.getByLabel('Adresse e-mail').fill(address);
    const codeField = patientPage.getByLabel('Code d’accès');
    await codeField.fill(wrong);
    await patientPage.getByRole('button', { name: 'Consulter' }).click();
    await patientPage.getByRole('alert').getByText(CODE_REFUSED).waitFor();
    expect(await codeField.getAttribute('aria-invalid')).toBe('true');
    expect(await codeField.evaluate((el) => el === document.activeElement)).toBe(true);

    // The right code, as copied with a space: the read-only view.
    await codeField.fill(`${code!.slice(0, 4)} ${code!.slice(4)}`);
    await patientPage.getByRole('button', { name: 'Consulter' }).click();
    await patientPage.getByRole('heading', { name: 'Mon équipe de soins', level: 1 }).waitFor();
    const members = patientPage.locator('section[aria-labelledby="patient-members-title"]');
    for (const name of ['Anne Roux', 'Luc Petit', 'Inès Garnier'])
      await members.getByText(name).waitFor();
    const plan = patientPage.locator('section[aria-labelledby="patient-plan-title"]');
    await plan.getByText('Maintien à domicile').waitFor();
    await plan.getByText('Pansement de la jambe').waitFor();
    await plan.getByText('Luc Petit · chaque jour').waitFor();
    const journal = patientPage.locator('section[aria-labelledby="patient-journal-title"]');
    await journal
      .getByRole('listitem')
      .filter({ hasText: 'Code d’accès envoyé au patient' })
      .filter({ hasText: 'Anne Roux' })
      .waitFor();
    await journal
      .getByRole('listitem')
      .filter({ hasText: 'Ouverture de l’accès du patient' })
      .filter({ hasText: 'Accès du patient (Claire Martin)' })
      .waitFor();
    // No professional navigation in the header: only the brand, back to this page.
    expect(await patientPage.locator('.app-header > *').count()).toBe(1);
    expect(await patientPage.locator('.app-header a').getAttribute('href')).toBe('/patient');
    expect(await axeViolations(patientPage)).toEqual([]);
    await expectNoHorizontalScroll(patientPage);
    await screenshot(patientPage, '03-patient-view');

    // The member revokes, after confirming.
    await item.getByRole('button', { name: 'Révoquer l’accès de Claire Martin' }).click();
    const dialog = doctorPage.getByRole('dialog', { name: 'Révoquer l’accès du patient' });
    await dialog.getByRole('button', { name: 'Révoquer l’accès', exact: true }).click();
    await panel.getByRole('status').getByText('Accès de Claire Martin révoqué.').waitFor();
    await item.getByText('Révoqué', { exact: true }).waitFor();
    expect(await item.getByRole('button').count()).toBe(0);

    // The patient's page, reloaded, says the access ended, in French, and asks for a new code.
    await patientPage.reload();
    await patientPage.getByRole('heading', { name: 'Consulter mon équipe de soins' }).waitFor();
    await patientPage.getByRole('status').getByText(SESSION_ENDED).waitFor();
    expect(await patientPage.getByText('Maintien à domicile').count()).toBe(0);
    expect(await axeViolations(patientPage)).toEqual([]);
    await expectNoHorizontalScroll(patientPage);
    await screenshot(patientPage, '04-patient-revoked');
    expect(errors).toEqual([]);
  });
});

describe('the patient’s access by SMS in the browser', () => {
  let gateway: SmsGateway | undefined;
  const suite = browserSuite(SCREENSHOTS, async () => {
    gateway = await startSmsGateway();
    return { env: { SMS_URL: gateway.url, SMS_TOKEN: 'sms-gateway-token-0123456789' } };
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('a member chooses SMS and types a national number; the patient types it as +33', async () => {
    const doctor = await signUpPro(suite.app, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const errors: string[] = [];
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await page.setViewportSize(PHONE);
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, doctor);
    await page.goto(`/escap/${team.id}`);
    await page.getByRole('link', { name: /^Accès du patient/ }).click();
    const panel = page.locator('section[aria-labelledby="patient-access-title"]');
    await panel.getByRole('button', { name: 'Afficher les accès du patient' }).click();
    await panel.getByText('Aucun accès n’a été ouvert.').waitFor();
    await panel.getByLabel('Nom du patient').fill('Paul Morel');
    await panel.getByRole('radio', { name: 'SMS' }).check();
    const phone = panel.getByLabel('Numéro de portable');
    expect(
      await phone.evaluate((el) => [
        el.getAttribute('type'),
        el.getAttribute('inputmode'),
        el.getAttribute('autocomplete'),
      ]),
    ).toEqual(['tel', 'tel', 'tel']);
    // A landline: the French error, on the field, before anything is sent.
    await phone.fill('01 23 45 67 89');
    await panel.getByLabel('Le patient accepte de recevoir ses codes d’accès à ce numéro').check();
    await panel.getByRole('button', { name: 'Ouvrir l’accès' }).click();
    await panel
      .getByRole('alert')
      .getByText('Le numéro de téléphone portable est invalide.')
      .waitFor();
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await expectNoHorizontalScroll(page);

    await phone.fill('06 12 34 56 78');
    await panel.getByRole('button', { name: 'Ouvrir l’accès' }).click();
    await panel.getByRole('status').getByText('Accès ouvert pour Paul Morel.').waitFor();
    const item = panel.getByRole('listitem').filter({ hasText: 'Paul Morel' });
    await item.getByText('06 12 34 56 78', { exact: true }).waitFor();

    const before = gateway!.received.length;
    await item.getByRole('button', { name: 'Envoyer un code à Paul Morel' }).click();
    await panel
      .getByRole('status')
      .getByText('Un code d’accès a été envoyé par SMS au 06 12 34 56 78.')
      .waitFor();
    const sms = await gateway!.next('+33612345678', before);
    const code = /(\d{4}) (\d{4})/.exec(sms.text);
    expect(code).not.toBeNull();
    expect(sms.text).not.toContain('Morel');
    expect(await axeViolations(page)).toEqual([]);
    await expectNoHorizontalScroll(page);
    await screenshot(page, '05-team-panel-sms');

    const patientPage = await suite.browser.newPage(suite.app.baseUrl);
    await patientPage.setViewportSize(PHONE);
    patientPage.on('pageerror', (e) => errors.push(e.message));
    await patientPage.goto('/patient');
    await patientPage.getByLabel('Adresse e-mail ou numéro de portable').fill('+33 6 12 34 56 78');
    await patientPage.getByLabel('Code d’accès').fill(code![0]);
    await patientPage.getByRole('button', { name: 'Consulter' }).click();
    await patientPage.getByRole('heading', { name: 'Mon équipe de soins', level: 1 }).waitFor();
    expect(await axeViolations(patientPage)).toEqual([]);
    await expectNoHorizontalScroll(patientPage);
    expect(errors).toEqual([]);
  });
});

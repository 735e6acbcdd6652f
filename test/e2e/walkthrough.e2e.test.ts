import { describe, expect, it } from 'vitest';
import { calendarDay } from '../../shared/src/tasks.js';
import { browserSuite, doctorAndNurse, screenshotsIn, signIn } from '../helpers/e2e.js';
import { createTeam, expectStatus, signUpPro, signUpPros } from '../teamFactories.js';

/**
 * Defects a new user met in a walkthrough of the app at 375 px (issue 15, item 5), each
 * fixed: these tests failed before the fixes.
 */
const SCREENSHOTS = 'test-results/walkthrough';
/** Changes travel through the server and its database: allow for a slow machine. */
const LIVE = { timeout: 15_000 };
const screenshot = screenshotsIn(SCREENSHOTS);
const inDays = (n: number) => calendarDay(new Date(Date.now() + n * 86_400_000));

describe('walkthrough defects', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('a task given to someone else stays in sight under the default filter', async () => {
    const {
      team,
      doctorPage: page,
      errors,
    } = await doctorAndNurse(suite, {
      doctor: ['Marie', 'Curie'],
      nurse: ['Camille', 'Durand'],
    });
    await page.goto(`/escap/${team.id}/taches`);
    await page.getByRole('heading', { name: 'Tâches', level: 1 }).waitFor();
    expect(await page.getByRole('radio', { name: /^Mes tâches/ }).isChecked()).toBe(true);
    await page.getByLabel('Tâche', { exact: true }).fill('Pansement jambe gauche');
    await page.getByLabel('Confiée à').selectOption({ label: 'Camille Durand (Infirmier·ère)' });
    await page.getByLabel('À faire avant le').fill(inDays(3));
    await page.getByRole('button', { name: 'Créer la tâche' }).click();
    await page.getByText('Tâche créée pour Camille Durand').waitFor(LIVE);
    // The task just given to the nurse is in the list shown, not hidden by "Mes tâches".
    await page.getByRole('checkbox', { name: 'Pansement jambe gauche' }).waitFor(LIVE);
    expect(await page.getByRole('radio', { name: /^Toute l’équipe/ }).isChecked()).toBe(true);
    await screenshot(page, 'task-for-someone-else');
    expect(errors).toEqual([]);
  });

  it('what is typed in the task form while the previous task saves is kept', async () => {
    const doctor = await signUpPro(suite.app, { profession: 'medecin' });
    const { team } = await createTeam(doctor);
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, doctor);
    await page.goto(`/escap/${team.id}/taches`);
    await page.getByRole('heading', { name: 'Tâches', level: 1 }).waitFor();

    // The creation is held at the network until the next title is typed.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (seen = resolve));
    await page.route(`**/api/teams/${team.id}/tasks`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      seen();
      await held;
      await route.continue();
    });

    const title = page.getByLabel('Tâche', { exact: true });
    await title.fill('Renouveler l’ordonnance');
    await page.getByLabel('À faire avant le').fill(inDays(3));
    await page.getByRole('button', { name: 'Créer la tâche' }).click();
    await sent;
    await title.fill('Appeler la pharmacie');
    release();
    await page.getByText('Tâche créée pour vous').waitFor(LIVE);
    await page.getByRole('checkbox', { name: 'Renouveler l’ordonnance' }).waitFor(LIVE);
    expect(await title.inputValue()).toBe('Appeler la pharmacie');
  });

  it('cancelling the médecin traitant’s e-mail invitation asks first, then shows none designated', async () => {
    const nurse = await signUpPro(suite.app, { profession: 'infirmier' });
    const email = 'dr.lefebvre@exemple.fr';
    const { team } = await createTeam(nurse, { medecinTraitant: { email } });
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, nurse);
    await page.goto(`/escap/${team.id}`);
    await page.getByText(`Invité par e-mail (${email})`).waitFor(LIVE);
    // A médecin traitant invitation is pending: the form does not offer a second one.
    await page.getByRole('heading', { name: 'Inviter un professionnel' }).waitFor();
    expect(await page.getByLabel('En tant que médecin traitant').count()).toBe(0);

    await page.getByRole('button', { name: `Annuler l’invitation de ${email}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Annuler l’invitation' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('n’aura plus de médecin traitant désigné');
    await screenshot(page, 'cancel-invitation-dialog');
    // Keeping it changes nothing.
    await dialog.getByRole('button', { name: 'Garder l’invitation' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByText(`Invité par e-mail (${email})`).count()).toBe(1);

    await page.getByRole('button', { name: `Annuler l’invitation de ${email}` }).click();
    await dialog.getByRole('button', { name: 'Annuler l’invitation' }).click();
    await page.getByText('Aucune invitation en attente.').waitFor(LIVE);
    await page.getByText('Non désigné').waitFor(LIVE);
    expect(await page.getByText('Invité par e-mail').count()).toBe(0);
    // Now the role is free again: offered, for a médecin.
    await page.getByLabel('En tant que médecin traitant').waitFor();
  });

  it('"médecin traitant" is offered only for a médecin, and not when the team has one', async () => {
    const [creator, nurse, doctor] = await signUpPros(suite.app, [
      'infirmier',
      'infirmier',
      'medecin',
    ]);
    const withDoctor = await signUpPro(suite.app, { profession: 'medecin' });
    const { team: hasOne } = await createTeam(withDoctor);
    const { team } = await createTeam(creator!, { medecinTraitant: { email: 'dr.y@exemple.fr' } });
    expect(
      (
        await creator!.agent.post(
          `/api/teams/${team.id}/invitations/${team.invitations[0]!.id}/cancel`,
        )
      ).status,
    ).toBe(200);

    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, creator!);
    await page.goto(`/escap/${team.id}`);
    const checkbox = page.getByLabel('En tant que médecin traitant');
    await checkbox.waitFor(LIVE);
    const rpps = page.getByLabel('Numéro RPPS');
    await rpps.fill(nurse!.input.rpps);
    await page.getByText(`Trouvé : ${nurse!.input.firstName} ${nurse!.input.lastName}`).waitFor();
    expect(await checkbox.count()).toBe(0);
    await rpps.fill(doctor!.input.rpps);
    await page.getByText(`Trouvé : ${doctor!.input.firstName} ${doctor!.input.lastName}`).waitFor();
    await checkbox.waitFor();

    // A team whose médecin traitant is a member: not offered at all.
    const other = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(other, withDoctor);
    await other.goto(`/escap/${hasOne.id}`);
    await other.getByRole('heading', { name: 'Inviter un professionnel' }).waitFor(LIVE);
    await other.getByLabel('Numéro RPPS').waitFor();
    expect(await other.getByLabel('En tant que médecin traitant').count()).toBe(0);
  });
});

describe('the public verification page', () => {
  const suite = browserSuite();

  it('speaks of the professional and shows the statement’s time zone, not the reader’s', async () => {
    const doctor = await signUpPro(suite.app, { profession: 'medecin' });
    const res = await doctor.agent.get('/api/ledger/statement.pdf');
    expect(res.status).toBe(200);
    const code = res.headers.get('x-statement-code')!;
    const check = expectStatus(
      await doctor.agent.get<{ issuedAt: string }>(`/api/statements/${code}`),
      200,
    );
    // A reader in New York.
    const context = await suite.browser.browser.newContext({
      baseURL: suite.app.baseUrl,
      locale: 'fr-FR',
      timezoneId: 'America/New_York',
      viewport: { width: 375, height: 812 },
    });
    try {
      const page = await context.newPage();
      await page.goto(`/verification/${code}`);
      await page.getByText('Attestation authentique').waitFor(LIVE);
      const paris = new Intl.DateTimeFormat('fr-FR', {
        dateStyle: 'long',
        timeStyle: 'short',
        timeZone: 'Europe/Paris',
      })
        .format(new Date(check.issuedAt))
        .replace(/^1 /, '1er ');
      const text = await page.locator('main').innerText();
      expect(text).toContain(`émise le ${paris} (heure de Paris)`);
      expect(text).not.toMatch(/\bvotre\b|\bvous\b/i);
    } finally {
      await context.close();
    }
  });
});

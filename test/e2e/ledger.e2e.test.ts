import { readFile } from 'node:fs/promises';
import { PDFParse } from 'pdf-parse';
import type { Download, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ProfessionalDoc } from '../../server/src/auth/model.js';
import { setRole } from '../../server/src/auth/roles.js';
import { errorMessage } from '../../shared/src/errors.js';
import { LEDGER_REASON_WORDS } from '../../shared/src/glossary.js';
import { LEDGER_REASON_LABELS } from '../../shared/src/ledger.js';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn, signIn } from '../helpers/e2e.js';
import { activeTeam, createTeam, inviteAndAccept, signUpPro } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/ledger';
const YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(
  new Date(),
);
/** A day as the pages write it (dd/mm/yyyy, Paris time). */
const dayOf = (at: Date) =>
  new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
const TODAY = dayOf(new Date());

/** Intl writes amounts with no-break spaces: compare texts on plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

/** Clicks a download link and returns the file's bytes and suggested name. */
async function download(page: Page, link: Locator): Promise<{ bytes: Buffer; name: string }> {
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await file.path();
  return { bytes: await readFile(path), name: file.suggestedFilename() };
}

/** The ESCAP line of the dashboard (or of a check) named by its reference. */
const escapLine = (page: Page, reference: string) =>
  page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: reference }) });

const screenshot = screenshotsIn(SCREENSHOTS);

describe('participation ledger in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('shows a professional their year, downloads the statement, and anyone checks it', async () => {
    // The doctor is in three ESCAPs: an active one they wrote in (counts), an active one they
    // never wrote in (no contribution), and one that never became active.
    const counted = await activeTeam(suite.app);
    const doctor = counted.creator;
    const silent = await createTeam(doctor);
    await inviteAndAccept(doctor, silent.team.id, counted.nurse);
    await inviteAndAccept(doctor, silent.team.id, counted.pharmacist);
    await createTeam(doctor);
    const { contributions } = suite.app.app.services;
    await contributions.record(counted.team.id, doctor.id, 'note', new Date(), 2);
    await contributions.record(counted.team.id, doctor.id, 'message', new Date());

    const page = await suite.browser.newPage(suite.app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, doctor);

    // Reached from the header.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Participation' })
      .getByRole('link', { name: 'Ma participation' })
      .click();
    await page.waitForURL('**/participation');
    await page.getByRole('heading', { name: 'Ma participation', level: 1 }).waitFor();
    await page.getByRole('heading', { name: `Année ${YEAR}` }).waitFor();
    await page.getByText('année en cours', { exact: true }).waitFor();
    // Only gestionnaires see the platform report in the header.
    expect(await page.getByRole('link', { name: 'Rapport de participation' }).count()).toBe(0);

    // Progress and amounts.
    await page.getByText('1 / 5 ESCAP', { exact: true }).waitFor();
    const progress = page.getByRole('progressbar', { name: /ESCAP comptées/ });
    expect(await progress.getAttribute('value')).toBe('1');
    expect(await progress.getAttribute('max')).toBe('5');
    const amounts = plain(await page.locator('.ledger-amounts').innerText());
    expect(amounts).toMatch(/Utilisation de l’outil\s+100 €/);
    expect(amounts).toMatch(/Complément \(5 ESCAP ou plus\)\s+0 €/);
    expect(amounts).toMatch(/Total\s+100 €/);
    await page.getByText('Encore 4 ESCAP comptées pour atteindre le complément').waitFor();

    // Every ESCAP with its reason, periods and counts; references only, no patient name.
    await page.getByRole('heading', { name: 'ESCAP prises en compte (3)' }).waitFor();
    const view = (await (await page.request.get('/api/ledger')).json()) as {
      escaps: { teamId: string; reference: string }[];
    };
    const refOf = (teamId: string) => view.escaps.find((e) => e.teamId === teamId)!.reference;
    const countedLine = escapLine(page, refOf(counted.team.id));
    await countedLine.getByText(LEDGER_REASON_LABELS.counted).waitFor();
    const countedCells = countedLine.getByRole('table', { name: `Contributions en ${YEAR}` });
    expect(await countedCells.getByRole('cell').allInnerTexts()).toEqual(['2', '1', '0', '0', '3']);
    // Open periods end "now": the day the suite started, or the next one if it ran past midnight.
    const periods = await countedLine.innerText();
    expect([TODAY, dayOf(new Date())].some((day) => periods.includes(`le ${day}`))).toBe(true);
    await escapLine(page, refOf(silent.team.id))
      .getByText(LEDGER_REASON_LABELS.no_contribution)
      .waitFor();
    const pendingLine = page
      .getByRole('listitem')
      .filter({ hasText: LEDGER_REASON_LABELS.not_active_while_member });
    expect(await pendingLine.count()).toBe(1);
    expect(await pendingLine.innerText()).toMatch(/ESCAP active pendant la participation\s+aucune/);
    const pageText = await page.locator('main').innerText();
    expect(pageText).not.toContain(counted.team.patient.identity.birthName);

    // The rule in force is shown.
    await page.getByRole('heading', { name: 'Règles en vigueur' }).waitFor();
    await page.getByText('Année civile, dates au fuseau horaire Europe/Paris.').waitFor();

    await expectNoHorizontalScroll(page);
    await screenshot(page, '01-dashboard-375');

    // The statement: a PDF made by the server, with its verification code.
    const statement = await download(
      page,
      page.getByRole('link', { name: 'Télécharger l’attestation (PDF)' }),
    );
    expect(statement.bytes.length).toBeGreaterThan(1000);
    expect(statement.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(statement.name).toMatch(/\.pdf$/);
    const parser = new PDFParse({ data: new Uint8Array(statement.bytes) });
    const pdfText = (await parser.getText()).text;
    await parser.destroy();
    const code = /([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(pdfText)?.[1];
    expect(code).toBeDefined();
    expect(pdfText).toContain(refOf(counted.team.id));

    // Anyone, signed out, checks it.
    const thirdParty = await suite.browser.newPage(suite.app.baseUrl);
    thirdParty.on('pageerror', (e) => errors.push(e.message));
    await thirdParty.goto(`/verification/${code}`);
    await thirdParty.getByRole('heading', { name: 'Vérifier une attestation' }).waitFor();
    await thirdParty.getByText('Attestation authentique').waitFor();
    // Issued while the year runs: the check says its figures were provisional.
    await thirdParty.getByText(/^Attestation provisoire/).waitFor();
    const facts = await thirdParty.locator('main').innerText();
    expect(facts).toContain(`${doctor.input.firstName} ${doctor.input.lastName}`);
    expect(facts).toContain(doctor.professional.rpps);
    expect(facts).toMatch(/ESCAP comptées\s+1/);
    expect(facts).toMatch(/Empreinte SHA-256 du contenu\s+[0-9a-f]{64}/);
    expect(plain(facts)).toMatch(/Total\s+100 €/);
    // Said of the professional, not to the reader; times in the statement's zone.
    await escapLine(thirdParty, refOf(counted.team.id))
      .getByText(LEDGER_REASON_WORDS.third.counted)
      .waitFor();
    expect(facts).not.toMatch(/\bvotre\b/i);
    expect(facts).toContain('(heure de Paris)');
    expect(await thirdParty.getByRole('link', { name: 'Ma participation' }).count()).toBe(0);
    await expectNoHorizontalScroll(thirdParty);
    await screenshot(thirdParty, '02-verification-375');

    // A wrong code is told apart; a code typed in lower case is read as meant.
    await thirdParty.getByLabel('Code de vérification').fill('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    await thirdParty.getByRole('button', { name: 'Vérifier' }).click();
    await thirdParty.getByRole('alert').filter({ hasText: 'Code inconnu' }).waitFor();
    await thirdParty.getByLabel('Code de vérification').fill(code!.toLowerCase());
    await thirdParty.getByRole('button', { name: 'Vérifier' }).click();
    await thirdParty.getByText('Attestation authentique').waitFor();

    // An earlier year, from the year links: nothing then; back to this year.
    const previous = String(Number(YEAR) - 1);
    await page.goto(`/participation?annee=${previous}`);
    await page.getByRole('heading', { name: `Année ${previous}` }).waitFor();
    await page.getByText(`Vous n’avez fait partie d’aucune ESCAP en ${previous}.`).waitFor();
    expect(await page.getByText('année en cours', { exact: true }).count()).toBe(0);
    await page
      .getByRole('navigation', { name: 'Années' })
      .getByRole('link', { name: YEAR })
      .click();
    await page.waitForURL(`**/participation?annee=${YEAR}`);
    await page.getByText('1 / 5 ESCAP', { exact: true }).waitFor();
    // A year the ledger does not cover is refused with the server's French message.
    await page.goto('/participation?annee=2019');
    await page
      .getByRole('alert')
      .filter({ hasText: errorMessage('invalid_year') })
      .waitFor();
    await page.getByRole('link', { name: 'Voir l’année en cours' }).click();
    await page.waitForURL(/\/participation$/);
    await page.getByText('1 / 5 ESCAP', { exact: true }).waitFor();

    // An ordinary professional does not get the platform report.
    await page.goto('/gestion/participation');
    await page.getByRole('heading', { name: 'Accès réservé' }).waitFor();

    // The session ends while the dashboard is open: the download says so instead of saving
    // the API's error as a PDF.
    await page.goto('/participation');
    await page.getByText('1 / 5 ESCAP', { exact: true }).waitFor();
    await page.context().clearCookies();
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByRole('link', { name: 'Télécharger l’attestation (PDF)' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: errorMessage('unauthenticated') })
      .waitFor();
    expect(downloads).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the platform report to a gestionnaire, sorted and filtered, and exports it', async () => {
    const team = await activeTeam(suite.app);
    await suite.app.app.services.contributions.record(
      team.team.id,
      team.nurse.id,
      'task',
      new Date(),
    );
    const manager = await signUpPro(suite.app, { profession: 'medecin', lastName: 'Gestion' });
    // Granted the way `npm run gestionnaire` does it: no HTTP route changes roles.
    const Professional = suite.app.db.model<ProfessionalDoc>('Professional');
    expect(await setRole(Professional, manager.input.email, 'gestionnaire', true)).toBeDefined();

    const page = await suite.browser.newPage(suite.app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, manager);
    await page.goto('/');
    await page.getByRole('link', { name: 'Rapport de participation' }).click();
    await page.waitForURL('**/gestion/participation');
    await page.getByRole('heading', { name: 'Rapport de participation', level: 1 }).waitFor();

    const table = page.getByRole('table', { name: `Participation des professionnels en ${YEAR}` });
    await table.waitFor();
    const nurseRow = table.getByRole('row').filter({ hasText: team.nurse.professional.rpps });
    const nurseCells = await nurseRow.getByRole('cell').allInnerTexts();
    expect(nurseCells.slice(0, 6).map(plain)).toEqual([
      team.nurse.input.lastName,
      team.nurse.input.firstName,
      'Infirmier·ère',
      '1',
      '1',
      '1',
    ]);
    expect(nurseCells.slice(6).map(plain)).toEqual(['100 €', '0 €', '100 €']);

    // Sorted by amount: largest first, then smallest first on a second click.
    const totals = async () =>
      (await table.locator('tbody tr td:last-child').allInnerTexts()).map((t) =>
        Number(plain(t).replace(/[^\d]/g, '')),
      );
    const sortButton = table.getByRole('button', { name: 'Total' });
    const totalHeader = table.getByRole('columnheader', { name: 'Total' });
    await sortButton.click();
    expect(await totalHeader.getAttribute('aria-sort')).toBe('descending');
    const descending = await totals();
    expect(descending).toContain(100);
    expect(descending).toContain(0);
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await sortButton.click();
    expect(await totalHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await totals()).toEqual([...descending].reverse());

    // The filter keeps matching rows only.
    await page.getByLabel('Filtrer').fill(team.pharmacist.professional.rpps);
    await page
      .getByRole('status')
      .filter({ hasText: /^1 sur \d+ professionnels$/ })
      .waitFor();
    expect(await table.getByRole('row').count()).toBe(2);
    await expectNoHorizontalScroll(page);
    await screenshot(page, '03-report-375');

    const csv = await download(page, page.getByRole('link', { name: 'Exporter en CSV' }));
    const text = csv.bytes.toString('utf8');
    expect(csv.name).toMatch(/\.csv$/);
    expect(text).toContain(team.nurse.professional.rpps);
    expect(text).not.toContain(team.team.patient.identity.birthName);

    // Another year: nobody took part then.
    const previous = String(Number(YEAR) - 1);
    await page
      .getByRole('navigation', { name: 'Années' })
      .getByRole('link', { name: previous })
      .click();
    await page.waitForURL(`**/gestion/participation?annee=${previous}`);
    await page
      .getByText(`Aucun professionnel n’a fait partie d’une ESCAP en ${previous}.`)
      .waitFor();
    expect(await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href')).toBe(
      `/api/ledger/report.csv?year=${previous}`,
    );
    expect(errors).toEqual([]);
  });
});

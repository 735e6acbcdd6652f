import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  doctorAndNurse,
  expectNoHorizontalScroll,
  screenshotsIn,
  signIn,
} from '../helpers/e2e.js';
import { createTeam, expectStatus, signUpPro } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/notes';
const NOTE = 'Plan de soins / notes de coordination';
/** Edits travel through the server and its database: allow for a slow machine. */
const LIVE = { timeout: 15_000 };

/** The note's state line ("Connecté · enregistré"...). */
const noteStatus = (page: Page) => page.locator('.note-status');
const editor = (page: Page) => page.getByRole('textbox', { name: NOTE });

/** The note's text, without the others' carets (their names are drawn inside the text). */
const noteText = (page: Page) =>
  editor(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
    return copy.innerText;
  });

async function openNotes(page: Page, teamId: string): Promise<void> {
  await page.goto(`/escap/${teamId}/notes`);
  await page.getByRole('heading', { name: NOTE, level: 1 }).waitFor();
  await noteStatus(page).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
}

/** The editor's state (TipTap keeps its editor on the editable element). */
interface EditorState {
  doc: {
    textContent: string;
    content: { size: number };
    textBetween(from: number, to: number, separator: string): string;
  };
  selection: {
    empty: boolean;
    head: number;
    $head: { parentOffset: number; parent: { content: { size: number } } };
  };
}
type EditorElement = HTMLElement & { editor?: { state: EditorState } };

/** Types at the end of the note, in a paragraph of its own. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  // Focus the editor, then put the caret at the end of its last block through the DOM
  // selection, which ProseMirror follows (a click position or Ctrl+End raced with re-renders,
  // e.g. when the offline banner appears, and sometimes left the caret at the start).
  await editor(page).locator(':scope > *').last().click();
  await page.evaluate(() => {
    const last = document.querySelector('.ProseMirror')?.lastElementChild;
    if (!last) return;
    const range = document.createRange();
    range.selectNodeContents(last);
    range.collapse(false);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  });
  // ProseMirror takes the DOM selection on its 'selectionchange' event, a task later: type
  // once its own selection is at the end (nothing after it).
  await page.waitForFunction(() => {
    const state = document.querySelector<EditorElement>('.ProseMirror')?.editor?.state;
    if (!state) return false;
    const { selection: sel, doc } = state;
    return (
      sel.empty &&
      sel.$head.parentOffset === sel.$head.parent.content.size &&
      doc.textBetween(sel.head, doc.content.size, '\n') === ''
    );
  }, LIVE);
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

/**
 * Resolves once `text` is in the browser's copy of the note: the editor's state holds it, so
 * y-indexeddb has opened the IndexedDB writes of its updates (it does on each update, at
 * once), and a read of the copy opened after them has completed (IndexedDB runs a read only
 * after the writes opened before it on the same store have finished).
 */
async function savedLocally(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) =>
      document
        .querySelector<EditorElement>('.ProseMirror')
        ?.editor?.state.doc.textContent.includes(t) ?? false,
    text,
    LIVE,
  );
  await page.evaluate(async () => {
    const names = (await indexedDB.databases())
      .map((db) => db.name ?? '')
      .filter((name) => name.startsWith('escap-note-'));
    for (const name of names) {
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('updates')) {
            db.close();
            return resolve();
          }
          const tx = db.transaction('updates', 'readonly');
          tx.objectStore('updates').count();
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => {
            db.close();
            reject(new Error(String(tx.error)));
          };
        };
      });
    }
  });
}

/** The IndexedDB databases holding this browser's copies of notes. */
const localCopies = (page: Page) =>
  page.evaluate(async () =>
    (await indexedDB.databases())
      .map((db) => db.name ?? '')
      .filter((name) => name.startsWith('escap-note-')),
  );

const screenshot = screenshotsIn(SCREENSHOTS);

describe('shared care notes in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('two members write the care plan together, live, and it survives reloads and offline', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Jeanne', 'Martin'],
      nurse: ['Camille', 'Durand'],
    });
    await doctorPage.setViewportSize({ width: 1280, height: 900 });

    // Reached from the team page.
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: 'Ouvrir le plan de soins' }).click();
    await doctorPage.waitForURL(`**/escap/${team.id}/notes`);
    await noteStatus(doctorPage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    await openNotes(nursePage, team.id);

    // Each sees the other's text appear.
    await editor(doctorPage).click();
    await doctorPage.getByRole('button', { name: 'Titre 2' }).click();
    expect(
      await doctorPage.getByRole('button', { name: 'Titre 2' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await doctorPage.keyboard.type('Objectifs');
    await doctorPage.keyboard.press('Enter');
    await doctorPage.keyboard.type('Surveillance glycémie matin et soir');
    await editor(nursePage).getByRole('heading', { name: 'Objectifs', level: 2 }).waitFor(LIVE);
    await editor(nursePage).getByText('Surveillance glycémie matin et soir').waitFor(LIVE);

    await typeAtEnd(nursePage, 'Pansement ');
    // Keyboard shortcut for bold.
    await nursePage.keyboard.press('Control+B');
    await nursePage.keyboard.type('J+2');
    expect(await nursePage.getByRole('button', { name: 'Gras' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await editor(doctorPage).locator('strong', { hasText: 'J+2' }).waitFor(LIVE);
    await editor(doctorPage).getByText('Pansement J+2').waitFor(LIVE);

    // Both saved; each sees the other's caret with their name, and in the presence list.
    await noteStatus(doctorPage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    await noteStatus(nursePage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    expect(await noteStatus(nursePage).getAttribute('role')).toBe('status');
    const remoteName = doctorPage.locator('.collaboration-carets__label', {
      hasText: 'Camille Durand',
    });
    await remoteName.waitFor(LIVE);
    // The name, drawn over the line above, does not stay there: it fades once the caret rests.
    await expect
      .poll(() => remoteName.evaluate((el) => getComputedStyle(el).opacity), LIVE)
      .toBe('0');
    const presence = doctorPage.getByRole('list', { name: 'Sur ces notes en ce moment' });
    await presence.getByRole('listitem').filter({ hasText: 'Camille Durand' }).waitFor(LIVE);
    expect(await presence.getByRole('listitem').count()).toBe(2);

    // "Who wrote what" reaches the doctor's history panel without a reload, and while the
    // nurse is still typing (it used to wait for a pause that never came).
    const nurseRow = doctorPage
      .getByRole('region', { name: 'Dernières modifications' })
      .getByRole('listitem')
      .filter({ hasText: 'Camille Durand' })
      .filter({ hasText: 'Pansement J+2' });
    await expect
      .poll(async () => {
        await nursePage.keyboard.type('.');
        return nurseRow.count();
      }, LIVE)
      .toBeGreaterThan(0);
    // All of it stored before the version below is taken.
    await noteStatus(nursePage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);

    // A named version, then more writing, then the version opened and compared.
    await doctorPage.getByLabel('Nom de la version').fill('Version RCP du 12/03');
    await doctorPage.getByRole('button', { name: 'Créer une version' }).click();
    await doctorPage.getByText('Version « Version RCP du 12/03 » enregistrée.').waitFor();
    await typeAtEnd(doctorPage, 'Kinésithérapie le mardi');
    await editor(nursePage).getByText('Kinésithérapie le mardi').waitFor(LIVE);
    await doctorPage
      .getByRole('button', { name: 'Ouvrir la version « Version RCP du 12/03 »' })
      .click();
    const viewer = doctorPage.getByRole('region', { name: 'Version RCP du 12/03' });
    const versionText = viewer.getByRole('textbox', {
      name: 'Contenu de la version « Version RCP du 12/03 »',
    });
    await versionText.getByText('Pansement J+2').waitFor();
    expect(await versionText.getAttribute('contenteditable')).toBe('false');
    expect(await versionText.textContent()).not.toContain('Kinésithérapie');
    await viewer.getByRole('button', { name: 'Comparer avec la version actuelle' }).click();
    await viewer.locator('ins', { hasText: 'Kinésithérapie le mardi' }).waitFor();
    await viewer.getByText('1 ligne ajoutée, 0 ligne supprimée').waitFor();
    await expectNoHorizontalScroll(doctorPage);
    await screenshot(doctorPage, '01-notes-1280');

    await expectNoHorizontalScroll(nursePage);
    await screenshot(nursePage, '02-notes-375');

    // Reloaded, the page shows the note as it was.
    await nursePage.reload();
    await noteStatus(nursePage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    await editor(nursePage).getByText('Kinésithérapie le mardi').waitFor();
    await editor(nursePage).getByText('Pansement J+2').waitFor();

    // Offline: the edit stays in the suite.browser and reaches the others at reconnection.
    await nursePage.context().setOffline(true);
    await noteStatus(nursePage).filter({ hasText: 'Hors ligne' }).waitFor({ timeout: 60_000 });
    await typeAtEnd(nursePage, 'Appel de la famille prévu jeudi');
    await screenshot(nursePage, '03-offline-375');
    // A "nothing arrives" check: it waits a while, and can only miss a leak, never fail
    // falsely (the nurse's browser is offline: nothing it sends can reach the doctor's).
    await doctorPage.waitForTimeout(1000);
    expect(await editor(doctorPage).textContent()).not.toContain('Appel de la famille');
    await nursePage.context().setOffline(false);
    await editor(doctorPage)
      .getByText('Appel de la famille prévu jeudi')
      .waitFor({ timeout: 60_000 });
    await noteStatus(nursePage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    expect(await noteText(nursePage)).toBe(await noteText(doctorPage));
    expect(await noteText(doctorPage)).toMatch(/Appel de la famille prévu jeudi$/);

    // The page reloads while the realtime server cannot be reached (the rest of the site can):
    // the note comes from the browser's copy, an edit made then survives another reload, and
    // it is sent once the connection is back.
    let cut = true;
    await nursePage.route('**/socket.io/**', (route) => (cut ? route.abort() : route.continue()));
    await nursePage.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) void ws.close();
      else ws.connectToServer();
    });
    await nursePage.reload();
    await noteStatus(nursePage).filter({ hasText: 'Hors ligne' }).waitFor(LIVE);
    await editor(nursePage).getByText('Appel de la famille prévu jeudi').waitFor(LIVE);
    await typeAtEnd(nursePage, 'Rappeler le laboratoire');
    await savedLocally(nursePage, 'Rappeler le laboratoire');
    await nursePage.reload();
    await noteStatus(nursePage).filter({ hasText: 'Hors ligne' }).waitFor(LIVE);
    await editor(nursePage).getByText('Rappeler le laboratoire').waitFor(LIVE);
    expect(await noteText(doctorPage)).not.toContain('Rappeler le laboratoire');
    cut = false;
    await editor(doctorPage).getByText('Rappeler le laboratoire').waitFor({ timeout: 30_000 });
    await noteStatus(nursePage).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    expect(await noteText(nursePage)).toBe(await noteText(doctorPage));
    expect(errors).toEqual([]);
  });

  it('turns read-only live when consent is withdrawn; sign-out deletes the local copy', async () => {
    const doctor = await signUpPro(suite.app, {
      profession: 'medecin',
      firstName: 'Luc',
      lastName: 'Petit',
    });
    const { team } = await createTeam(doctor);
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, doctor);
    await openNotes(page, team.id);
    await typeAtEnd(page, 'Écrit avant le retrait du consentement');
    await noteStatus(page).filter({ hasText: 'Connecté · enregistré' }).waitFor(LIVE);
    expect(await localCopies(page)).toEqual([`escap-note-${team.id}-plan`]);

    expectStatus(await doctor.agent.post(`/api/teams/${team.id}/consent/withdraw`, {}), 200);
    await noteStatus(page).filter({ hasText: 'Lecture seule' }).waitFor(LIVE);
    await page.getByText('Consentement retiré — lecture seule').waitFor(LIVE);
    expect(await editor(page).getAttribute('contenteditable')).toBe('false');
    expect(await editor(page).getAttribute('aria-readonly')).toBe('true');
    expect(await page.getByRole('toolbar').count()).toBe(0);
    expect(await page.getByLabel('Nom de la version').count()).toBe(0);
    await editor(page).getByText('Écrit avant le retrait du consentement').waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '04-read-only-375');

    await page.goto('/');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await expect.poll(() => localCopies(page)).toEqual([]);
  });
});

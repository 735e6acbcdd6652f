import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdf, photoWithGps } from '../helpers/documents.js';
import { browserSuite, doctorAndNurse, expectNoHorizontalScroll } from '../helpers/e2e.js';

const SCREENSHOTS = 'test-results/documents';
/** Uploads and live events travel through the server and its database: a slow machine. */
const LIVE = { timeout: 20_000 };

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

/** A natural decoded size of the <img> once loaded (0 while it is not). */
const naturalWidth = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((img: HTMLImageElement) => img.naturalWidth);

describe('photos and documents in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('a professional attaches a photo in the conversation; another sees its thumbnail and opens it', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Claire', 'Moreau'],
      nurse: ['Hugo', 'Lefèvre'],
    });
    for (const page of [doctorPage, nursePage]) {
      await page.goto(`/escap/${team.id}/discussion`);
      await page.getByText('Aucun message pour l’instant').waitFor(LIVE);
    }

    // The nurse takes a photo from the page (the camera input) and sends it with a word.
    await nursePage.locator('#chat-attach-camera').setInputFiles({
      name: 'plaie.jpg',
      mimeType: 'image/jpeg',
      buffer: await photoWithGps(640, 320),
    });
    await nursePage
      .getByRole('list', { name: 'Fichiers choisis' })
      .getByText('plaie.jpg', { exact: true })
      .first()
      .waitFor();
    await nursePage.getByRole('textbox', { name: 'Votre message' }).fill('Plaie ce matin');
    await nursePage.getByRole('button', { name: 'Envoyer' }).click();

    // The doctor sees the message live, with its thumbnail, and opens the photo.
    const message = messages(doctorPage)
      .getByRole('listitem')
      .filter({ hasText: 'Plaie ce matin' });
    await message.waitFor(LIVE);
    const thumb = message.getByRole('button', { name: /Photo : plaie\.jpg/ });
    await thumb.waitFor(LIVE);
    await expect
      .poll(() => naturalWidth(doctorPage, '.chat-attachments img'), LIVE)
      .toBeGreaterThan(0);
    await thumb.click();
    const viewer = doctorPage.getByRole('dialog', { name: 'plaie.jpg' });
    await viewer.waitFor();
    // Upright: the camera was turned, the stored photo is taller than wide.
    await expect.poll(() => naturalWidth(doctorPage, '.image-viewer img'), LIVE).toBe(320);
    await viewer.getByRole('button', { name: 'Zoomer', exact: true }).click();
    await viewer.getByText('150 %').waitFor();
    await expectNoHorizontalScroll(doctorPage);
    await doctorPage.screenshot({ path: `${SCREENSHOTS}/01-viewer-375.png` });
    await viewer.getByRole('button', { name: 'Fermer' }).click();

    // Its author removes it (after a confirmation): both see "pièce jointe retirée".
    const own = messages(nursePage).getByRole('listitem').filter({ hasText: 'Plaie ce matin' });
    await own.getByRole('button', { name: /Retirer la pièce jointe/ }).click();
    await nursePage.getByRole('button', { name: 'Retirer le document' }).click();
    for (const page of [nursePage, doctorPage]) {
      await messages(page)
        .getByRole('listitem')
        .filter({ hasText: 'Plaie ce matin' })
        .getByText('Pièce jointe retirée')
        .waitFor(LIVE);
    }
    await expectNoHorizontalScroll(nursePage);
    await nursePage.screenshot({ path: `${SCREENSHOTS}/02-chat-375.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the Documents section lists by kind, live for every member, and PDFs download', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Anne', 'Girard'],
      nurse: ['Léo', 'Blanc'],
    });
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: 'Ouvrir les documents' }).click();
    await doctorPage.waitForURL(`**/escap/${team.id}/documents`);
    await doctorPage.getByText('Aucun document pour l’instant').waitFor(LIVE);
    await nursePage.goto(`/escap/${team.id}/documents`);
    await nursePage.getByText('Aucun document pour l’instant').waitFor(LIVE);

    // Two files at once, each with its progress; one title does not apply to several.
    await doctorPage.locator('#document-files-files').setInputFiles([
      { name: 'ordonnance.pdf', mimeType: 'application/pdf', buffer: pdf(20_000) },
      {
        name: 'ecg.png',
        mimeType: 'image/png',
        buffer: await sharp({
          create: { width: 50, height: 30, channels: 3, background: '#ffffff' },
        })
          .png()
          .toBuffer(),
      },
    ]);
    await doctorPage.getByLabel('Type').selectOption('ordonnance');
    await doctorPage.getByRole('button', { name: 'Envoyer' }).click();
    const list = (page: Page) => page.getByRole('list', { name: 'Documents' });
    for (const page of [doctorPage, nursePage]) {
      await list(page).locator('.document-title', { hasText: 'ordonnance.pdf' }).waitFor(LIVE);
      await list(page).locator('.document-title', { hasText: 'ecg.webp' }).waitFor(LIVE);
    }

    // A file whose bytes are not what its name says is refused, with the reason.
    await doctorPage.locator('#document-files-files').setInputFiles({
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      buffer: pdf(),
    });
    await doctorPage.getByRole('button', { name: 'Envoyer' }).click();
    await doctorPage.getByText(/ne correspond pas à son nom/).waitFor(LIVE);

    // Filtered by kind.
    await nursePage.getByRole('radio', { name: /Photo \(0\)/ }).check();
    await expect.poll(() => list(nursePage).getByRole('listitem').count()).toBe(0);
    await nursePage.getByRole('radio', { name: /Ordonnance \(2\)/ }).check();
    await expect.poll(() => list(nursePage).getByRole('listitem').count()).toBe(2);

    // The PDF is a download, never opened in the page.
    const download = nursePage.waitForEvent('download');
    await list(nursePage)
      .getByRole('link', { name: /Télécharger « ordonnance\.pdf »/ })
      .click();
    expect((await download).suggestedFilename()).toBe('ordonnance.pdf');

    await expectNoHorizontalScroll(doctorPage);
    await doctorPage.screenshot({ path: `${SCREENSHOTS}/03-documents-375.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});

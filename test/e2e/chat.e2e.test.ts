import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, doctorAndNurse, expectNoHorizontalScroll } from '../helpers/e2e.js';

const SCREENSHOTS = 'test-results/chat';
/** Messages travel through the server and its database: allow for a slow machine. */
const LIVE = { timeout: 15_000 };

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Votre message' });

describe('team conversation in the browser', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('two members chat live, with a mention, and each sees the other has read', async () => {
    const { team, doctorPage, nursePage, errors } = await doctorAndNurse(suite, {
      doctor: ['Jeanne', 'Martin'],
      nurse: ['Julien', 'Perrin'],
    });

    // The nurse waits on "Mes ESCAP"; the doctor opens the conversation from the team page.
    await nursePage.goto('/');
    await nursePage.getByRole('heading', { name: 'Mes ESCAP' }).waitFor();
    await doctorPage.goto(`/escap/${team.id}`);
    await doctorPage.getByRole('link', { name: 'Ouvrir la discussion' }).click();
    await doctorPage.waitForURL(`**/escap/${team.id}/discussion`);
    await doctorPage.getByRole('heading', { name: 'Discussion de l’équipe', level: 1 }).waitFor();
    await doctorPage.getByText('Aucun message pour l’instant').waitFor(LIVE);

    // A mention picked from the completion, a second line with Shift+Enter, sent with Enter.
    await composer(doctorPage).click();
    await doctorPage.keyboard.type('Bonjour @Jul');
    await doctorPage.getByRole('option', { name: 'Julien Perrin' }).waitFor();
    await doctorPage.keyboard.press('Enter');
    await doctorPage.keyboard.type('pouvez-vous passer demain ?');
    await doctorPage.keyboard.press('Shift+Enter');
    await doctorPage.keyboard.type('Merci.');
    await doctorPage.keyboard.press('Enter');
    await expect.poll(() => composer(doctorPage).inputValue()).toBe('');
    const sent = messages(doctorPage).getByRole('listitem').filter({ hasText: 'Merci.' });
    await sent.waitFor(LIVE);
    await sent.locator('mark', { hasText: '@Julien Perrin' }).waitFor();

    // The nurse's home shows the unread message live, then the conversation shows it.
    const row = nursePage.getByRole('link', { name: /Discussion.*1 message non lu/ });
    await row.waitFor(LIVE);
    await row.click();
    await nursePage.waitForURL(`**/escap/${team.id}/discussion`);
    const received = messages(nursePage)
      .getByRole('listitem')
      .filter({ hasText: 'pouvez-vous passer demain ?' });
    await received.waitFor(LIVE);
    expect(await received.innerText()).toContain('Jeanne Martin');
    expect(await received.innerText()).toContain('Merci.');
    await received.locator('mark', { hasText: '@Julien Perrin' }).waitFor();

    // Having it on screen is reading it: the doctor sees it under her message, live.
    await sent.getByText('Lu par Julien Perrin').waitFor(LIVE);

    // The reply arrives live on the doctor's page, aligned as someone else's message.
    await composer(nursePage).fill('Oui, vers 9 h.');
    await nursePage.getByRole('button', { name: 'Envoyer' }).click();
    const reply = messages(doctorPage).getByRole('listitem').filter({ hasText: 'Oui, vers 9 h.' });
    await reply.waitFor(LIVE);
    expect(await reply.getAttribute('class')).not.toContain('own');
    expect(await sent.getAttribute('class')).toContain('own');
    await messages(nursePage)
      .getByRole('listitem')
      .filter({ hasText: 'Oui, vers 9 h.' })
      .getByText('Lu par Jeanne Martin')
      .waitFor(LIVE);

    // Near the limit the composer counts; past it, it refuses to send.
    await composer(nursePage).fill('a'.repeat(4001));
    await nursePage.getByText('4 001 / 4 000 caractères').waitFor();
    expect(await nursePage.getByRole('button', { name: 'Envoyer' }).isDisabled()).toBe(true);
    await composer(nursePage).fill('');

    // After a reload the history is there, in order.
    await nursePage.reload();
    await messages(nursePage).getByText('Oui, vers 9 h.').waitFor(LIVE);
    const texts = await messages(nursePage).locator('.chat-text').allInnerTexts();
    expect(texts).toEqual([
      'Bonjour @Julien Perrin pouvez-vous passer demain ?\nMerci.',
      'Oui, vers 9 h.',
    ]);

    // The mention's notification opens the message itself, brought into view and marked.
    await nursePage.goto('/notifications');
    await nursePage.getByRole('link', { name: /vous a mentionné/ }).click();
    await nursePage.waitForURL(`**/escap/${team.id}/discussion?message=*`);
    await messages(nursePage)
      .locator('.chat-landing')
      .filter({ hasText: 'pouvez-vous passer demain ?' })
      .waitFor(LIVE);

    await expectNoHorizontalScroll(nursePage);
    await nursePage.screenshot({ path: `${SCREENSHOTS}/01-chat-375.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('a member cut off misses nothing, and what she wrote meanwhile is sent once', async () => {
    const { nurse, team, doctorPage, nursePage } = await doctorAndNurse(suite, {
      doctor: ['Paul', 'Roux'],
      nurse: ['Lina', 'Bon'],
    });
    for (const page of [doctorPage, nursePage]) {
      await page.goto(`/escap/${team.id}/discussion`);
      await page.getByText('Aucun message pour l’instant').waitFor(LIVE);
    }
    await composer(doctorPage).fill('Avant la coupure');
    await composer(doctorPage).press('Enter');
    await messages(nursePage).getByText('Avant la coupure').waitFor(LIVE);

    // The server drops the nurse's connection (her client waits a few seconds, then comes back).
    suite.app.app.io.in(`user:${nurse.id}`).disconnectSockets(true);
    await nursePage.getByText('Hors ligne').first().waitFor(LIVE);
    for (const text of ['Pendant la coupure 1', 'Pendant la coupure 2']) {
      await composer(doctorPage).fill(text);
      await composer(doctorPage).press('Enter');
      await messages(doctorPage).getByText(text).waitFor(LIVE);
    }
    await composer(nursePage).fill('Écrit hors ligne');
    await composer(nursePage).press('Enter');
    const pending = messages(nursePage)
      .getByRole('listitem')
      .filter({ hasText: 'Écrit hors ligne' });
    await pending.getByText('Envoi…').waitFor();

    // Back: she catches up on both, her message goes out once, in server order for both.
    await messages(nursePage).getByText('Pendant la coupure 2').waitFor({ timeout: 30_000 });
    await messages(doctorPage).getByText('Écrit hors ligne').waitFor({ timeout: 30_000 });
    await pending.getByText('Envoi…').waitFor({ state: 'detached', ...LIVE });
    const expected = [
      'Avant la coupure',
      'Pendant la coupure 1',
      'Pendant la coupure 2',
      'Écrit hors ligne',
    ];
    for (const page of [doctorPage, nursePage]) {
      await expect
        .poll(() => messages(page).locator('.chat-text').allInnerTexts(), LIVE)
        .toEqual(expected);
    }
    expect(
      await suite.app.db.collection('messages').countDocuments({ text: 'Écrit hors ligne' }),
    ).toBe(1);
  });
});

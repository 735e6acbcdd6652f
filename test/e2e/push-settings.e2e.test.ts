import { describe, expect, it } from 'vitest';
import { DEFAULT_PUSH_PREFERENCES, type PushPreferences } from '../../shared/src/push.js';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn, signIn } from '../helpers/e2e.js';
import { activeTeam, expectStatus } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/push-settings';
const screenshot = screenshotsIn(SCREENSHOTS);

describe('push settings in the browser, at 375 px', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('chooses the events and quiet hours, kept after a reload; mutes one ESCAP from its page', async () => {
    const { team, nurse } = await activeTeam(suite.app);
    const page = await suite.browser.newPage(suite.app.baseUrl);
    await signIn(page, nurse);

    await page.goto('/notifications');
    const settings = page.getByRole('region', {
      name: 'Réglages des notifications sur vos appareils',
    });
    const messages = settings.getByLabel('Nouveaux messages des discussions');
    await messages.waitFor();
    expect(await messages.isChecked()).toBe(true);
    await messages.uncheck();
    await settings.getByLabel('Ne rien recevoir sur vos appareils pendant ces heures').check();
    await settings.getByLabel('Début', { exact: true }).fill('21:30');
    await settings.getByLabel('Fin', { exact: true }).fill('06:45');
    await settings.getByRole('button', { name: 'Enregistrer les réglages' }).click();
    await settings.getByRole('status').filter({ hasText: 'Réglages enregistrés.' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'settings');

    const saved = expectStatus(
      await nurse.agent.get<{ preferences: PushPreferences }>('/api/push/preferences'),
      200,
    ).preferences;
    expect(saved).toEqual({
      events: { ...DEFAULT_PUSH_PREFERENCES.events, message: false },
      quietHours: { start: '21:30', end: '06:45' },
    });

    await page.reload();
    await messages.waitFor();
    expect(await messages.isChecked()).toBe(false);
    expect(await settings.getByLabel('Début', { exact: true }).inputValue()).toBe('21:30');

    // The same hour twice: said in French, nothing saved.
    await settings.getByLabel('Fin', { exact: true }).fill('21:30');
    await settings.getByRole('button', { name: 'Enregistrer les réglages' }).click();
    await settings
      .getByRole('alert')
      .filter({ hasText: 'Le début et la fin des heures calmes doivent différer.' })
      .waitFor();

    await page.goto(`/escap/${team.id}`);
    const mute = page.getByLabel('Recevoir les notifications de cette ESCAP sur mes appareils');
    await mute.waitFor();
    expect(await mute.isChecked()).toBe(true);
    await mute.uncheck();
    await page.getByText('Coupées sur vos appareils').waitFor();
    expect(expectStatus(await nurse.agent.get(`/api/teams/${team.id}/push-mute`), 200)).toEqual({
      muted: true,
    });
    expect(await axeViolations(page)).toEqual([]);
    await page.reload();
    await mute.waitFor();
    expect(await mute.isChecked()).toBe(false);
  });
});

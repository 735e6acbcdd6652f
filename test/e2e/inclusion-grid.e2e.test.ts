import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, expectNoHorizontalScroll, screenshotsIn, signIn } from '../helpers/e2e.js';
import { fillGrid } from '../helpers/grid.js';
import { activeTeam } from '../teamFactories.js';

const SCREENSHOTS = 'test-results/inclusion-grid';
const screenshot = screenshotsIn(SCREENSHOTS);

describe('the guided inclusion grid on a phone', () => {
  const suite = browserSuite(SCREENSHOTS);

  it('fills the grid at 375 px with a live score, then renews a term with it', async () => {
    const { team, creator } = await activeTeam(suite.app);
    const page = await suite.browser.newPage(suite.app.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect(page.viewportSize()?.width).toBe(375);
    await signIn(page, creator);

    await page.goto('/escap/nouvelle');
    await page.getByRole('heading', { name: 'Créer une ESCAP' }).waitFor();
    const live = page.getByRole('status').filter({ hasText: /^Score/ });
    await live.getByText('Score : 0 / 26 — seuil 13 : 13 facteurs encore à coter').waitFor();
    await page.getByText(/à valider avec la grille officielle/).waitFor();
    expect(await page.getByRole('group', { name: 'Grossesse' }).count()).toBe(0);

    // Tick by tick, the score follows.
    const age = page.getByRole('group', { name: 'Âge', exact: true });
    await age.getByRole('radio', { name: '80 ans ou plus (2 points)' }).check();
    await live.getByText('Score : 2 / 26 — seuil 13 : 12 facteurs encore à coter').waitFor();
    await age.getByRole('radio', { name: 'De 65 à 79 ans (1 point)' }).check();
    await live.getByText('Score : 1 / 26').waitFor();
    await fillGrid(page, 1, { age: 1, mobilite: 0 });
    await live.getByText('Score : 12 / 26 — seuil 13 : non atteint').waitFor();
    await page.getByText('Le score d’inclusion est inférieur au seuil en vigueur.').waitFor();
    await page
      .getByRole('group', { name: 'Mobilité' })
      .getByRole('radio', { name: /^Alité ou au fauteuil/ })
      .check();
    await live.getByText('Score : 14 / 26 — seuil 13 : atteint').waitFor();

    // A pregnant patient: the pregnancy factor appears and the scale is 28, threshold 14.
    await page.getByLabel(/^Patiente enceinte/).check();
    await live.getByText('Score : 14 / 28 — seuil 14 : 1 facteur encore à coter').waitFor();
    await page
      .getByRole('group', { name: 'Grossesse' })
      .getByRole('radio', { name: /^Sans facteur de risque/ })
      .check();
    await live.getByText('Score : 14 / 28 — seuil 14 : atteint').waitFor();
    await page.getByLabel(/^Patiente enceinte/).uncheck();
    await live.getByText('Score : 14 / 26 — seuil 13 : atteint').waitFor();

    await expectNoHorizontalScroll(page);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, '01-grid-filled');

    // The renewal of the active team re-scores with the grid in force, from scratch.
    await page.goto(`/escap/${team.id}`);
    await page.getByRole('heading', { name: 'Inclusion' }).waitFor();
    await page.getByRole('button', { name: 'Renouveler' }).click();
    const renew = page.locator('form').filter({ hasText: 'Renouveler l’ESCAP' });
    await renew.getByText('Score : 0 / 26 — seuil 13').waitFor();
    expect(await renew.getByLabel('Situation du patient (prérequis)').inputValue()).toBe(
      'polypathologie_65',
    );
    await renew.getByRole('button', { name: 'Enregistrer le renouvellement' }).click();
    await renew.getByText('Cotez ce facteur.').first().waitFor();
    await fillGrid(page, 2, { age: 1 });
    await renew.getByText('Score : 25 / 26 — seuil 13 : atteint').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await expectNoHorizontalScroll(page);
    await renew.getByRole('button', { name: 'Enregistrer le renouvellement' }).click();
    await page.getByText('L’ESCAP est renouvelée pour un nouveau terme.').waitFor();
    const newest = page.getByRole('listitem').filter({ hasText: 'score 25 / 26' });
    await newest.getByText('Points par facteur').click();
    await newest.getByText('Âge : 1').waitFor();
    await newest.getByText('Mobilité : 2').waitFor();
    await screenshot(page, '02-renewed');
    expect(errors).toEqual([]);
  });
});

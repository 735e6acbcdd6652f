import type { Page } from 'playwright-core';
import { ESCAP_UNPS_2025 } from '../../shared/src/grid/escap-unps-2025.js';
import { factorsInScope } from '../../shared/src/grid/score.js';

/**
 * Ticks a level for every factor of the shipped grid in the browser form, by the factor's
 * group and the level's label as a user reads them: `levels` by factor id, `fallback` for
 * the others (0, 1 or 2 points).
 */
export async function fillGrid(
  page: Page,
  fallback: 0 | 1 | 2,
  levels: Record<string, 0 | 1 | 2> = {},
  pregnant = false,
): Promise<void> {
  for (const factor of factorsInScope(ESCAP_UNPS_2025, pregnant)) {
    const points = levels[factor.id] ?? fallback;
    const level = factor.levels.find((l) => l.points === points)!;
    await page
      .getByRole('group', { name: factor.label, exact: true })
      .getByRole('radio', { name: new RegExp(`^${escapeRegExp(level.label)} \\(`) })
      .check();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { ESCAP_UNPS_2025 } from '../../shared/src/grid/escap-unps-2025.js';
import { factorsInScope } from '../../shared/src/grid/score.js';

/** A creation's inclusion on the shipped grid: the most severe level of every factor. */
export function severeInclusion() {
  const grid = ESCAP_UNPS_2025;
  return {
    category: 'polypathologie_65' as const,
    gridVersion: grid.version,
    answers: Object.fromEntries(
      factorsInScope(grid, false).map((f) => [
        f.id,
        f.levels.reduce((a, b) => (b.points > a.points ? b : a)).id,
      ]),
    ),
  };
}

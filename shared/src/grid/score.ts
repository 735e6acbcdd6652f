import type { GridDefinition, GridFactor } from './definition.js';

/** The level chosen for each factor, by factor id (what a professional ticks). */
export type GridAnswers = Record<string, string>;

export interface FactorPoints {
  factorId: string;
  levelId: string;
  points: number;
}

export interface GridScore {
  /** The points of every answered factor that counts, in the definition's order. */
  factors: FactorPoints[];
  score: number;
  max: number;
  threshold: number;
  /** Factors that count and have no answer yet. */
  missing: string[];
  /** Answers that name no factor that counts here, or no level of it. */
  unknown: string[];
  /** Every factor answered, nothing unknown. */
  complete: boolean;
  /** Complete and at or above the threshold. */
  reached: boolean;
}

/** The factors that count: pregnancy-only ones for a pregnant patient only. */
export function factorsInScope(grid: GridDefinition, pregnant: boolean): GridFactor[] {
  return grid.factors.filter((f) => pregnant || !f.pregnancyOnly);
}

/**
 * Only the answers that count: a form keeps a pregnancy level ticked before "enceinte" was
 * unticked (ticking it again brings it back), but neither shows nor sends it.
 */
export function answersInScope(
  grid: GridDefinition,
  answers: GridAnswers,
  pregnant: boolean,
): GridAnswers {
  const out: GridAnswers = {};
  for (const factor of factorsInScope(grid, pregnant)) {
    const level = Object.hasOwn(answers, factor.id) ? answers[factor.id] : undefined;
    if (level !== undefined) out[factor.id] = level;
  }
  return out;
}

/**
 * The score of a (possibly partial) set of answers on a grid: the form shows it live while the
 * grid is filled; the server stores it only when complete. Pure: the same answers on the same
 * definition always give the same points.
 */
export function scoreGrid(
  grid: GridDefinition,
  answers: GridAnswers,
  pregnant: boolean,
): GridScore {
  const scale = pregnant ? grid.pregnancyScale : grid.scale;
  const inScope = factorsInScope(grid, pregnant);
  const factors: FactorPoints[] = [];
  const missing: string[] = [];
  const unknown: string[] = [];
  for (const factor of inScope) {
    const levelId = Object.hasOwn(answers, factor.id) ? answers[factor.id] : undefined;
    if (levelId === undefined) {
      missing.push(factor.id);
      continue;
    }
    const level = factor.levels.find((l) => l.id === levelId);
    if (!level) unknown.push(factor.id);
    else factors.push({ factorId: factor.id, levelId, points: level.points });
  }
  const ids = new Set(inScope.map((f) => f.id));
  for (const key of Object.keys(answers)) if (!ids.has(key)) unknown.push(key);
  const score = factors.reduce((sum, f) => sum + f.points, 0);
  const complete = missing.length === 0 && unknown.length === 0;
  return {
    factors,
    score,
    max: scale.max,
    threshold: scale.threshold,
    missing,
    unknown,
    complete,
    reached: complete && score >= scale.threshold,
  };
}

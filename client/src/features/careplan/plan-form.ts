import type { CarePlanVersionView } from '../../../../shared/src/care-plan.js';

/** The plan as edited: texts as typed, one responsible id per action. */
export interface PlanValues {
  objectives: string[];
  actions: { text: string; responsibleId: string; rhythm: string }[];
  reviewDate: string;
}

export function planValuesOf(current: CarePlanVersionView | null): PlanValues {
  if (!current) return { objectives: [''], actions: [], reviewDate: '' };
  return {
    objectives: [...current.objectives],
    actions: current.actions.map((a) => ({
      text: a.text,
      responsibleId: a.responsible.id,
      rhythm: a.rhythm,
    })),
    reviewDate: current.reviewDate,
  };
}

/** The body of a save, made from the version the page shows (0 before the first plan). */
export function planInput(values: PlanValues, baseVersion: number): unknown {
  return {
    baseVersion,
    objectives: values.objectives.filter((o) => o.trim() !== ''),
    actions: values.actions,
    reviewDate: values.reviewDate === '' ? undefined : values.reviewDate,
  };
}

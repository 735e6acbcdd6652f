import { describe, expect, it } from 'vitest';
import { saveCarePlanSchema } from '../../../../shared/src/care-plan.js';
import { planInput, planValuesOf } from './plan-form.js';

describe('care plan form', () => {
  it('starts a first plan with one empty objective, and drops blank objectives when sent', () => {
    const values = planValuesOf(null);
    expect(values).toEqual({ objectives: [''], actions: [], reviewDate: '' });
    values.objectives.push('Autonomie');
    values.reviewDate = '2027-01-01';
    expect(saveCarePlanSchema.parse(planInput(values, 0))).toEqual({
      baseVersion: 0,
      objectives: ['Autonomie'],
      actions: [],
      reviewDate: '2027-01-01',
    });
  });

  it('names the missing review date and the empty plan with the shared messages', () => {
    const result = saveCarePlanSchema.safeParse(planInput(planValuesOf(null), 0));
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('objectives: Indiquez au moins un objectif.');
    expect(messages.some((m) => m.startsWith('reviewDate: '))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  calendarDay,
  createTaskSchema,
  frenchDay,
  isOverdue,
  sortTasks,
  updateTaskSchema,
} from './tasks.js';

describe('calendarDay (Paris)', () => {
  it('is the Paris day, not the UTC one, around midnight and across DST', () => {
    expect(calendarDay(new Date('2026-03-11T23:30:00Z'))).toBe('2026-03-12');
    expect(calendarDay(new Date('2026-03-11T22:59:00Z'))).toBe('2026-03-11');
    // Summer time: Paris is UTC+2.
    expect(calendarDay(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(calendarDay(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });
});

describe('isOverdue', () => {
  it('an open task is overdue from the day after its due day; a done one never', () => {
    expect(isOverdue({ status: 'open', due: '2026-03-11' }, '2026-03-12')).toBe(true);
    expect(isOverdue({ status: 'open', due: '2026-03-12' }, '2026-03-12')).toBe(false);
    expect(isOverdue({ status: 'open', due: '2026-03-13' }, '2026-03-12')).toBe(false);
    expect(isOverdue({ status: 'done', due: '2020-01-01' }, '2026-03-12')).toBe(false);
  });
});

describe('sortTasks', () => {
  it('overdue first, then open by due day, then done by most recent completion', () => {
    const t = (id: string, status: 'open' | 'done', due: string, doneAt: string | null = null) => ({
      id,
      status,
      due,
      doneAt,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const sorted = sortTasks(
      [
        t('done-old', 'done', '2026-03-01', '2026-03-02T10:00:00.000Z'),
        t('later', 'open', '2026-03-20'),
        t('today', 'open', '2026-03-12'),
        t('late', 'open', '2026-03-10'),
        t('later-late', 'open', '2026-03-11'),
        t('done-new', 'done', '2026-03-01', '2026-03-05T10:00:00.000Z'),
      ],
      '2026-03-12',
    );
    expect(sorted.map((x) => x.id)).toEqual([
      'late',
      'later-late',
      'today',
      'later',
      'done-new',
      'done-old',
    ]);
  });
});

describe('task schemas', () => {
  const id = 'a'.repeat(24);
  it('accept a valid task, trim the title, turn empty details into none', () => {
    expect(
      createTaskSchema.parse({
        title: ' Visite ',
        details: ' ',
        assigneeId: id,
        due: '2026-03-12',
      }),
    ).toEqual({ title: 'Visite', details: null, assigneeId: id, due: '2026-03-12' });
  });
  it('refuse days that do not exist and updates with nothing to change', () => {
    expect(
      createTaskSchema.safeParse({ title: 'x', assigneeId: id, due: '2026-02-29' }).success,
    ).toBe(false);
    expect(
      createTaskSchema.safeParse({ title: 'x', assigneeId: id, due: '2028-02-29' }).success,
    ).toBe(true);
    expect(updateTaskSchema.safeParse({ version: 0 }).success).toBe(false);
    expect(updateTaskSchema.safeParse({ version: -1, title: 'x' }).success).toBe(false);
  });
  it('formats a day the French way', () => {
    expect(frenchDay('2026-03-12')).toBe('12/03/2026');
    expect(frenchDay('2026-03-12', false)).toBe('12/03');
  });
});

import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../../shared/src/tasks.js';
import { applyChange, visible } from './task-list.js';

const ref = (id: string) => ({ id, firstName: 'A', lastName: id, profession: 'medecin' as const });
const task = (over: Partial<TaskView>): TaskView => ({
  id: 't',
  teamId: 'team',
  title: 'Visite',
  details: null,
  assignee: ref('me'),
  due: '2026-03-12',
  status: 'open',
  doneBy: null,
  doneAt: null,
  createdBy: ref('me'),
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  version: 0,
  ...over,
});

describe('applyChange', () => {
  it('adds, replaces with a newer version only, and removes', () => {
    const a = task({ id: 'a' });
    let list = applyChange([], { teamId: 'team', task: a });
    expect(list).toEqual([a]);
    const a2 = task({ id: 'a', title: 'Nouveau', version: 2 });
    list = applyChange(list, { teamId: 'team', task: a2 });
    // An older event arriving late does not undo the newer state.
    list = applyChange(list, { teamId: 'team', task: task({ id: 'a', version: 1 }) });
    expect(list).toEqual([a2]);
    expect(applyChange(list, { teamId: 'team', deletedId: 'a' })).toEqual([]);
  });
});

describe('visible', () => {
  it('filters mine/all and open/done, overdue first', () => {
    const tasks = [
      task({ id: 'later', due: '2026-03-20' }),
      task({ id: 'late', due: '2026-03-01' }),
      task({ id: 'theirs', assignee: ref('other'), due: '2026-03-02' }),
      task({ id: 'done', status: 'done', doneAt: '2026-03-05T10:00:00.000Z' }),
    ];
    const today = '2026-03-12';
    expect(visible(tasks, { who: 'mine', status: 'open' }, 'me', today).map((t) => t.id)).toEqual([
      'late',
      'later',
    ]);
    expect(visible(tasks, { who: 'all', status: 'open' }, 'me', today).map((t) => t.id)).toEqual([
      'late',
      'theirs',
      'later',
    ]);
    expect(visible(tasks, { who: 'all', status: 'done' }, 'me', today).map((t) => t.id)).toEqual([
      'done',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { NotificationView } from '../../../../shared/src/notifications.js';
import { notificationLink } from './links.js';

const base: NotificationView = {
  id: 'n',
  kind: 'mention',
  teamId: 't1',
  actor: null,
  data: {},
  createdAt: '2026-03-01T10:00:00.000Z',
  readAt: null,
  available: true,
};

describe('notificationLink', () => {
  it('leads each kind where it belongs', () => {
    expect(notificationLink({ ...base, kind: 'mention' })).toBe('/escap/t1/discussion');
    expect(notificationLink({ ...base, kind: 'mention', data: { messageId: 'm' } })).toBe(
      '/escap/t1/discussion?message=m',
    );
    expect(notificationLink({ ...base, kind: 'task_assigned' })).toBe('/escap/t1/taches');
    expect(notificationLink({ ...base, kind: 'task_assigned', data: { taskId: 'k' } })).toBe(
      '/escap/t1/taches?tache=k',
    );
    expect(notificationLink({ ...base, kind: 'alert', data: { eventId: 'e' } })).toBe(
      '/escap/t1/evenements?evenement=e',
    );
    expect(notificationLink({ ...base, kind: 'team_status' })).toBe('/escap/t1');
    expect(notificationLink({ ...base, kind: 'term_ending' })).toBe('/escap/t1');
    expect(notificationLink({ ...base, kind: 'invitation' })).toBe('/');
  });
  it('leads nowhere for a team the reader left', () => {
    expect(notificationLink({ ...base, available: false })).toBeNull();
    expect(notificationLink({ ...base, kind: 'invitation', available: false })).toBe('/');
  });
});

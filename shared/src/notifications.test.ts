import { describe, expect, it } from 'vitest';
import { notificationText, type NotificationView } from './notifications.js';

const marie = { id: '1', firstName: 'Marie', lastName: 'Curie', profession: 'medecin' as const };
const view = (over: Partial<NotificationView>): NotificationView => ({
  id: 'n',
  kind: 'mention',
  teamId: 't',
  actor: marie,
  data: {},
  createdAt: '2026-03-01T10:00:00.000Z',
  readAt: null,
  available: true,
  ...over,
});

describe('notificationText', () => {
  it('says each kind in French', () => {
    expect(notificationText(view({ kind: 'mention' }))).toBe('Marie Curie vous a mentionné');
    expect(notificationText(view({ kind: 'task_assigned', data: { due: '2026-03-12' } }))).toBe(
      'Nouvelle tâche pour vous, à faire avant le 12/03',
    );
    expect(notificationText(view({ kind: 'team_status', data: { status: 'active' } }))).toBe(
      'L’ESCAP est maintenant active',
    );
    // 22:30 UTC on 11 March is already 12 March in Paris.
    expect(
      notificationText(
        view({ kind: 'term_ending', data: { termEndsAt: '2026-03-11T23:30:00.000Z' } }),
      ),
    ).toBe('Le terme de l’ESCAP se termine le 12/03/2026');
    expect(notificationText(view({ kind: 'invitation', actor: null }))).toBe(
      'Invitation à rejoindre une ESCAP',
    );
  });
  it('says nothing about a team the reader left', () => {
    expect(notificationText(view({ available: false, actor: null }))).toBe(
      'Notification d’une ESCAP dont vous n’êtes plus membre',
    );
  });
});

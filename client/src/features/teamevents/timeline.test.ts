import { describe, expect, it } from 'vitest';
import { timelineText } from './timeline.js';

const by = { id: 'p', firstName: 'Luc', lastName: 'Petit', profession: 'infirmier' as const };

describe('timeline lines', () => {
  it('says what happened, and who', () => {
    expect(
      timelineText({
        at: '2026-01-05T12:00:00.000Z',
        type: 'event',
        event: {
          id: 'e',
          teamId: 't',
          kind: 'chute',
          date: '2026-01-05',
          note: 'salle de bains',
          alert: true,
          recordedBy: by,
          recordedAt: '2026-01-05T15:00:00.000Z',
        },
      }),
    ).toBe('Alerte — Chute : salle de bains (signalé par Luc Petit)');
    expect(timelineText({ at: 'x', type: 'plan', version: 2, by })).toBe(
      'Plan de soins, version 2 (Luc Petit)',
    );
    expect(timelineText({ at: 'x', type: 'document', documentId: 'd', name: 'CR', by })).toBe(
      'Document ajouté : CR (Luc Petit)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS } from './notifications.js';
import { pushPayload } from './push.js';

describe('pushPayload', () => {
  it('leads where the in-app notification leads', () => {
    const at = (kind: (typeof NOTIFICATION_KINDS)[number]) =>
      pushPayload({ kind, teamId: 't1' }).url;
    expect(at('mention')).toBe('/escap/t1/discussion');
    expect(at('task_assigned')).toBe('/escap/t1/taches');
    expect(at('alert')).toBe('/escap/t1/evenements');
    expect(at('team_status')).toBe('/escap/t1');
    expect(at('term_ending')).toBe('/escap/t1');
    expect(at('invitation')).toBe('/');
  });

  it('says the same generic sentence whatever the notification holds', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const payload = pushPayload({ kind, teamId: 't1' });
      expect(Object.keys(payload).sort()).toEqual(['body', 'tag', 'title', 'url']);
      expect(payload.body).toContain('ESCAP');
    }
  });
});

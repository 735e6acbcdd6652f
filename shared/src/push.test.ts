import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS } from './notifications.js';
import { pushPayload, pushTarget, readPushPayload } from './push.js';

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
    // The item itself when the notification names it.
    expect(pushPayload({ kind: 'mention', teamId: 't1', data: { messageId: 'm1' } }).url).toBe(
      '/escap/t1/discussion?message=m1',
    );
    expect(pushPayload({ kind: 'task_assigned', teamId: 't1', data: { taskId: 'k1' } }).url).toBe(
      '/escap/t1/taches?tache=k1',
    );
  });

  it('says the same generic sentence whatever the notification holds', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const payload = pushPayload({ kind, teamId: 't1' });
      expect(Object.keys(payload).sort()).toEqual(['body', 'tag', 'title', 'url']);
      expect(payload.body).toContain('ESCAP');
    }
  });
});

describe('pushTarget', () => {
  it('keeps same-origin paths only', () => {
    expect(pushTarget('/escap/t1/taches')).toBe('/escap/t1/taches');
    expect(pushTarget('/')).toBe('/');
    expect(pushTarget('/notifications?page=2#x')).toBe('/notifications?page=2#x');
    for (const url of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '\\evil.example',
      'javascript:alert(1)',
      'escap/t1',
      '/ok\n',
      '/a b',
      '',
      42,
      null,
      undefined,
      '/' + 'a'.repeat(2_000),
    ])
      expect(pushTarget(url), String(url)).toBeNull();
  });
});

describe('readPushPayload', () => {
  it('reads what the server sends', () => {
    const payload = pushPayload({ kind: 'task_assigned', teamId: 't1' });
    expect(readPushPayload(payload)).toEqual(payload);
  });

  it('falls back to a generic notification on anything else', () => {
    const generic = readPushPayload(null);
    expect(generic).toEqual({
      title: 'ESCAP',
      body: 'Nouvelle notification dans ESCAP.',
      url: '/',
      tag: 'escap',
    });
    expect(readPushPayload('text')).toEqual(generic);
    expect(readPushPayload({ title: 1, body: '', url: 'https://evil.example/', tag: [] })).toEqual(
      generic,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { MessageView, ReadReceiptView } from '../../../../shared/src/chat.js';
import {
  compareIds,
  dayLabel,
  mergeMessages,
  mergeRead,
  newClientId,
  readersByMessage,
  segments,
} from './timeline.js';

const author = (id: string) => ({
  id,
  firstName: 'Anne',
  lastName: id,
  profession: 'medecin' as const,
});

function msg(n: number, authorId = 'a'.repeat(24)): MessageView {
  return {
    id: n.toString(16).padStart(24, '0'),
    teamId: 't'.repeat(24),
    clientId: `client-${n}`,
    author: author(authorId),
    text: `m${n}`,
    mentions: [],
    attachments: [],
    createdAt: new Date(2027, 2, 1, 10, n).toISOString(),
  };
}

const receipt = (professionalId: string, messageId: string): ReadReceiptView => ({
  teamId: 't'.repeat(24),
  professionalId,
  messageId,
  at: '2027-03-01T10:00:00.000Z',
});

describe('mergeMessages', () => {
  it('keeps server order and each id once, whatever the arrival order', () => {
    const live = [msg(3), msg(1)];
    let list = mergeMessages([], live);
    list = mergeMessages(list, [msg(2), msg(3), msg(1)]);
    list = mergeMessages(list, [msg(16), msg(10)]);
    expect(list.map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm10', 'm16']);
  });

  it('answers the same list when nothing is new (no needless re-render)', () => {
    const list = mergeMessages([], [msg(1)]);
    expect(mergeMessages(list, [msg(1)])).toBe(list);
    expect(mergeMessages(list, [])).toBe(list);
  });

  it('orders ids as the server does (fixed-length hex)', () => {
    expect(compareIds('0a'.padStart(24, '0'), '09'.padStart(24, '0'))).toBe(1);
    expect(compareIds('ff'.padStart(24, '0'), '0100'.padStart(24, '0'))).toBe(-1);
  });
});

describe('segments', () => {
  const people = new Map([
    ['1', { firstName: 'Anne', lastName: 'Marie' }],
    ['2', { firstName: 'Anne', lastName: 'Marie Durand' }],
  ]);

  it('cuts the text around the mentioned members, the longest name first', () => {
    expect(segments('Voir @Anne Marie Durand et @Anne Marie.', ['1', '2'], people)).toEqual([
      { text: 'Voir ' },
      { text: '@Anne Marie Durand', mention: '2' },
      { text: ' et ' },
      { text: '@Anne Marie', mention: '1' },
      { text: '.' },
    ]);
  });

  it('leaves names of members not mentioned, or unknown, as plain text', () => {
    expect(segments('@Anne Marie bonjour', [], people)).toEqual([{ text: '@Anne Marie bonjour' }]);
    expect(segments('@Anne Marie', ['9'], people)).toEqual([{ text: '@Anne Marie' }]);
  });
});

describe('links in messages', () => {
  it('makes web addresses links, leaving the sentence’s punctuation out', () => {
    expect(
      segments(
        'Protocole : https://has-sante.fr/soins?id=3. Voir aussi www.ameli.fr)',
        [],
        new Map(),
      ),
    ).toEqual([
      { text: 'Protocole : ' },
      { text: 'https://has-sante.fr/soins?id=3', href: 'https://has-sante.fr/soins?id=3' },
      { text: '. Voir aussi ' },
      { text: 'www.ameli.fr', href: 'https://www.ameli.fr/' },
      { text: ')' },
    ]);
  });

  it('finds links beside mentions, and never makes a link of another scheme', () => {
    const people = new Map([['1', { firstName: 'Anne', lastName: 'Marie' }]]);
    expect(segments('@Anne Marie http://a.fr javascript:alert(1)', ['1'], people)).toEqual([
      { text: '@Anne Marie', mention: '1' },
      { text: ' ' },
      { text: 'http://a.fr', href: 'http://a.fr/' },
      { text: ' javascript:alert(1)' },
    ]);
  });
});

describe('read receipts', () => {
  const me = 'm'.repeat(24);
  const bob = 'b'.repeat(24);
  const eve = 'e'.repeat(24);

  it('shows each member under the last shown message they have read, not the author', () => {
    const messages = [msg(1), msg(2, bob), msg(4)];
    const reads = [
      receipt(bob, msg(2).id),
      receipt(eve, msg(3).id), // a position between shown messages
      receipt(me, msg(4).id), // the viewer is not listed
    ];
    const byMessage = readersByMessage(messages, reads, me);
    // Bob wrote message 2: not "read by" under his own message.
    expect(byMessage.get(msg(2).id)).toEqual([eve]);
    expect(byMessage.get(msg(4).id)).toBeUndefined();
  });

  it('never moves a position back', () => {
    let reads = mergeRead([], receipt(bob, msg(5).id));
    reads = mergeRead(reads, receipt(bob, msg(3).id));
    expect(reads).toEqual([receipt(bob, msg(5).id)]);
    reads = mergeRead(reads, receipt(bob, msg(6).id));
    expect(reads).toEqual([receipt(bob, msg(6).id)]);
  });
});

describe('labels and ids', () => {
  it('names today and yesterday', () => {
    const now = new Date(2027, 2, 10, 12);
    expect(dayLabel(new Date(2027, 2, 10, 8).toISOString(), now)).toBe('Aujourd’hui');
    expect(dayLabel(new Date(2027, 2, 9, 23).toISOString(), now)).toBe('Hier');
    expect(dayLabel(new Date(2027, 2, 1, 9).toISOString(), now)).toBe('Lundi 1 mars 2027');
  });

  it('makes client ids the server accepts, all different', () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,64}$/);
  });
});

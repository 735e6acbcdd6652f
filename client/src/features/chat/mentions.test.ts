import { describe, expect, it } from 'vitest';
import { insertMention, mentionAt, mentionCandidates, mentionedIds } from './mentions.js';

const member = (id: string, firstName: string, lastName: string) => ({
  id,
  firstName,
  lastName,
  profession: 'infirmier' as const,
});
const members = [
  member('1', 'Élodie', 'Martin'),
  member('2', 'Jean', 'Dupont'),
  member('3', 'Moi', 'Même'),
];

describe('mention completion', () => {
  it('finds the @ being typed at the caret, not an e-mail address', () => {
    expect(mentionAt('Bonjour @elo', 12)).toEqual({ start: 8, query: 'elo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('écrire à jean@example.fr', 24)).toBeNull();
    expect(mentionAt('@Jean\nsuite', 11)).toBeNull();
  });

  it('matches first or last names, accents and case ignored, never myself', () => {
    expect(mentionCandidates(members, 'elo', '3').map((m) => m.id)).toEqual(['1']);
    expect(mentionCandidates(members, 'dup', '3').map((m) => m.id)).toEqual(['2']);
    expect(mentionCandidates(members, '', '3').map((m) => m.id)).toEqual(['1', '2']);
  });

  it('writes @Prénom Nom in place of the query and keeps only the names still written', () => {
    const at = mentionAt('Voir @jea demain', 9)!;
    const next = insertMention('Voir @jea demain', at, members[1]!);
    expect(next).toEqual({ text: 'Voir @Jean Dupont demain', caret: 18 });
    expect(insertMention('@jea', mentionAt('@jea', 4)!, members[1]!)).toEqual({
      text: '@Jean Dupont ',
      caret: 13,
    });
    expect(mentionedIds(next.text, [members[1]!, members[0]!])).toEqual(['2']);
  });
});

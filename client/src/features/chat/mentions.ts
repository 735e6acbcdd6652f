import type { ProfessionalRef } from '../../../../shared/src/views.js';
import { mentionText } from '../../../../shared/src/chat.js';

/** An `@` being typed before the caret: where it starts and what follows it. */
export interface MentionQuery {
  start: number;
  query: string;
}

/**
 * The mention being typed at the caret: an `@` at the start or after a space, followed by at
 * most two words (first and last name) and no line break.
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1) return null;
  if (at > 0 && !/\s/.test(before[at - 1]!)) return null;
  const query = before.slice(at + 1);
  if (/\n/.test(query) || query.split(' ').length > 3 || query.length > 60) return null;
  return { start: at, query };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Members whose name matches what follows the `@` (accents and case ignored). */
export function mentionCandidates(
  members: ProfessionalRef[],
  query: string,
  meId: string,
): ProfessionalRef[] {
  const q = fold(query.trim());
  return members
    .filter((m) => m.id !== meId)
    .filter((m) => {
      const full = fold(`${m.firstName} ${m.lastName}`);
      return q === '' || full.startsWith(q) || fold(m.lastName).startsWith(q);
    })
    .slice(0, 8);
}

/**
 * The text with the typed `@query` replaced by the member's `@Prénom Nom`, followed by one
 * space (the one already there, if any), and the caret after it.
 */
export function insertMention(
  text: string,
  at: MentionQuery,
  member: ProfessionalRef,
): { text: string; caret: number } {
  const end = at.start + 1 + at.query.length;
  const rest = text.slice(end);
  const token = mentionText(member) + (rest.startsWith(' ') ? '' : ' ');
  return {
    text: text.slice(0, at.start) + token + rest,
    caret: at.start + token.length + (rest.startsWith(' ') ? 1 : 0),
  };
}

/** The chosen members still written in the text when it is sent. */
export function mentionedIds(text: string, chosen: ProfessionalRef[]): string[] {
  return [...new Set(chosen.filter((m) => text.includes(mentionText(m))).map((m) => m.id))];
}

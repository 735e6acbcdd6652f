import {
  mentionText,
  type MessageView,
  type ReadReceiptView,
} from '../../../../shared/src/chat.js';
import type { ProfessionalRef } from '../../../../shared/src/views.js';

/*
 * The conversation as the page shows it, in pure functions (unit-tested): messages kept in
 * server order and never twice, whatever order the acknowledgements, live events and history
 * pages arrive in.
 */

/**
 * Server ids are 24 hex digits, so comparing them as strings is comparing them as numbers:
 * the server's order.
 */
export const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Adds messages to a sorted list: in id order, each id once (the first copy is kept). */
export function mergeMessages(list: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((m) => [m.id, m]));
  let added = false;
  for (const m of incoming) {
    if (byId.has(m.id)) continue;
    byId.set(m.id, m);
    added = true;
  }
  if (!added) return list;
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

/** A random id for one send, re-used by its retries (the server stores it once). */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Calendar day of a timestamp in the viewer's time zone, for day separators. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

const DAY_LABEL = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const TIME = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });

/** "Aujourd’hui", "Hier", or "lundi 3 mars 2027". */
export function dayLabel(iso: string, now = new Date()): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return 'Aujourd’hui';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return 'Hier';
  const label = DAY_LABEL.format(new Date(iso));
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export const timeLabel = (iso: string) => TIME.format(new Date(iso));

/**
 * Pieces of a message's text: plain text, a mention of a member (highlighted), or a web
 * address (a link). All are rendered as text nodes, never as HTML.
 */
export type Segment =
  { text: string } | { text: string; mention: string } | { text: string; href: string };

/**
 * Web addresses in a text: http(s):// or www., up to a space; closing punctuation at the end
 * (".", ",", ")"…) belongs to the sentence, not the address.
 */
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+/giu;
const TRAILING = /[.,;:!?)\]}'’»]+$/u;

/** Splits plain text around the web addresses it holds, each with a safe http(s) target. */
export function links(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    let href: string | null = null;
    try {
      const url = new URL(/^www\./i.test(raw) ? `https://${raw}` : raw);
      if (url.protocol === 'https:' || url.protocol === 'http:') href = url.href;
    } catch {
      href = null;
    }
    if (!href || raw.length === 0) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/**
 * Splits a text around the `@Prénom Nom` of the members it mentions. Longer names first, so
 * that "@Anne Marie Durand" is not cut at "@Anne Marie".
 */
export function segments(
  text: string,
  mentions: string[],
  people: Map<string, Pick<ProfessionalRef, 'firstName' | 'lastName'>>,
): Segment[] {
  const names = mentions
    .map((id) => {
      const p = people.get(id);
      return p ? { id, token: mentionText(p) } : undefined;
    })
    .filter((x) => x !== undefined)
    .sort((a, b) => b.token.length - a.token.length);
  if (names.length === 0) return links(text);
  const out: Segment[] = [];
  let plain = '';
  let i = 0;
  outer: while (i < text.length) {
    for (const n of names) {
      if (text.startsWith(n.token, i)) {
        if (plain) out.push(...links(plain));
        plain = '';
        out.push({ text: n.token, mention: n.id });
        i += n.token.length;
        continue outer;
      }
    }
    plain += text[i];
    i++;
  }
  if (plain) out.push(...links(plain));
  return out;
}

/**
 * "Lu par": for each message, the members whose read position is at it, that is the last
 * shown message at or before their position. The author of a message is not listed under it,
 * nor is the viewer.
 */
export function readersByMessage(
  messages: MessageView[],
  reads: ReadReceiptView[],
  meId: string,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of reads) {
    if (r.professionalId === meId) continue;
    let at: MessageView | undefined;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (compareIds(messages[i]!.id, r.messageId) <= 0) {
        at = messages[i];
        break;
      }
    }
    if (!at || at.author.id === r.professionalId) continue;
    out.set(at.id, [...(out.get(at.id) ?? []), r.professionalId]);
  }
  return out;
}

/** Keeps, per member, the furthest read position (events may arrive out of order). */
export function mergeRead(reads: ReadReceiptView[], receipt: ReadReceiptView): ReadReceiptView[] {
  const current = reads.find((r) => r.professionalId === receipt.professionalId);
  if (current && compareIds(current.messageId, receipt.messageId) >= 0) return reads;
  return [...reads.filter((r) => r.professionalId !== receipt.professionalId), receipt];
}

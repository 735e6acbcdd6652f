import { PROFESSION_LABELS } from '../../../shared/src/professions.js';
import type { ProfessionalRef } from '../../../shared/src/views.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY = { day: 'numeric', month: 'long', year: 'numeric' } as const;
const LOCAL_DATE = new Intl.DateTimeFormat('fr-FR', DAY);
// Calendar dates (birth, consent) have no time zone: read and shown as UTC so they never shift.
const CALENDAR_DATE = new Intl.DateTimeFormat('fr-FR', { ...DAY, timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });

/** French typography writes the first day of a month "1er". */
const firstOfMonth = (text: string) => text.replace(/^1 /, '1er ');

/** "12 mars 2027" from a calendar date (`2027-03-12`) or an ISO timestamp (local time). */
export function formatDate(iso: string): string {
  if (DATE_ONLY.test(iso)) return firstOfMonth(CALENDAR_DATE.format(new Date(`${iso}T00:00:00Z`)));
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : firstOfMonth(LOCAL_DATE.format(date));
}

/** "12 mars 2027 à 14:05" (local time). */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : firstOfMonth(DATE_TIME.format(date));
}

/** Today as a calendar date (`AAAA-MM-JJ`) in the local time zone, for date inputs. */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function fullName(professional: Pick<ProfessionalRef, 'firstName' | 'lastName'>): string {
  return `${professional.firstName} ${professional.lastName}`.trim();
}

/** "Jeanne Martin (Médecin)", or "(Médecin, non vérifié)" when the directory did not confirm them. */
export function nameWithProfession(professional: ProfessionalRef): string {
  const label = PROFESSION_LABELS[professional.profession];
  return `${fullName(professional)} (${professional.unverified ? `${label}, non vérifié` : label})`;
}

/** "1 membre", "3 membres". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count > 1 ? pluralForm : singular}`;
}

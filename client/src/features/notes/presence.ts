/** Someone with the note open, as the server named them in the awareness. */
export interface PresentUser {
  /** The professional's id: one entry per professional, whatever their tabs and devices. */
  id: string;
  name: string;
  color: string;
}

/**
 * Caret colours: each contrasts at least 4.5:1 with the white of the caret label's text and
 * with the page background.
 */
export const USER_COLORS = [
  '#0b5cad',
  '#b3261e',
  '#1e7b34',
  '#6f42c1',
  '#a3136a',
  '#00707a',
  '#8a4b00',
  '#3d4f9f',
] as const;

const HEX_COLOR = /^#[\da-f]{6}$/i;

/** A stable colour for a professional, the same on every device. */
export function colorFor(professionalId: string): string {
  let hash = 0;
  for (const char of professionalId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return USER_COLORS[hash % USER_COLORS.length]!;
}

/**
 * The other professionals here now, from the awareness states: the server stamps `user.id`
 * and `user.name` with the session's professional, so they can be trusted. Our own client
 * and our other tabs are left out; several tabs of one professional count once.
 */
export function othersPresent(
  states: ReadonlyMap<number, Record<string, unknown>>,
  own: { clientId: number; professionalId: string },
): PresentUser[] {
  const byId = new Map<string, PresentUser>();
  for (const [clientId, state] of states) {
    if (clientId === own.clientId) continue;
    const user = state.user as Record<string, unknown> | undefined;
    if (typeof user?.id !== 'string' || typeof user.name !== 'string') continue;
    if (user.id === own.professionalId || byId.has(user.id)) continue;
    const color = typeof user.color === 'string' && HEX_COLOR.test(user.color) ? user.color : '';
    byId.set(user.id, { id: user.id, name: user.name, color: color || colorFor(user.id) });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

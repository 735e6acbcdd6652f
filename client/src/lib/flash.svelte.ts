import { createContext } from 'svelte';

/**
 * What one page tells the next after navigating: a notice for "Mes ESCAP" (left a team), and
 * the single-use invitation link returned once by the server, kept only in memory so that it
 * is shown once and never stored.
 */
export class Flash {
  notice = $state<string | null>(null);
  #link: { teamId: string; link: string } | null = null;

  setInvitationLink(teamId: string, link: string): void {
    this.#link = { teamId, link };
  }

  /** The link created with this team, handed out once. */
  takeInvitationLink(teamId: string): string | null {
    if (this.#link?.teamId !== teamId) return null;
    const { link } = this.#link;
    this.#link = null;
    return link;
  }
}

const [getFlash, setFlash] = createContext<Flash>();
export { getFlash, setFlash };

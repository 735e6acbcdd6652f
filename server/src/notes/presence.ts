/** How long a remote instance's presence is kept without news: clients renew theirs every 15 s. */
const REMOTE_PRESENCE_MS = 45_000;

interface State {
  update: string;
  at: number;
  remote: boolean;
}

/**
 * Who is in each note, for newcomers: the last awareness update of every speaker (a local
 * socket, or the sockets of another instance), so that a newcomer sees at once who is here
 * without every client answering its arrival (N² messages). And who may speak for which
 * awareness client id: a socket speaks only for the ids it introduced, so it may not move or
 * remove someone else's cursor.
 */
export class NotePresence {
  private readonly owners = new Map<string, Map<number, string>>();
  private readonly states = new Map<string, Map<string, State>>();

  /** Claims `clients` for `speaker` in the note; false if one of them is someone else's. */
  claim(docId: string, speaker: string, clients: Iterable<number>): boolean {
    const owners = this.owners.get(docId) ?? new Map<number, string>();
    const ids = [...clients];
    if (ids.some((c) => (owners.get(c) ?? speaker) !== speaker)) return false;
    for (const c of ids) owners.set(c, speaker);
    this.owners.set(docId, owners);
    return true;
  }

  remember(docId: string, speaker: string, update: string, remote = false): void {
    const states = this.states.get(docId) ?? new Map<string, State>();
    states.set(speaker, { update, at: Date.now(), remote });
    this.states.set(docId, states);
  }

  /** A speaker gone: its ids are free again and newcomers no longer hear of it. */
  forget(docId: string, speaker: string, clients: Iterable<number> = []): void {
    const owners = this.owners.get(docId);
    for (const c of clients) if (owners?.get(c) === speaker) owners.delete(c);
    if (owners?.size === 0) this.owners.delete(docId);
    const states = this.states.get(docId);
    states?.delete(speaker);
    if (states?.size === 0) this.states.delete(docId);
  }

  /** The last updates of everyone in the note but `except`; stale remote ones are dropped. */
  snapshot(docId: string, except: string): string[] {
    const states = this.states.get(docId);
    if (!states) return [];
    const horizon = Date.now() - REMOTE_PRESENCE_MS;
    const out: string[] = [];
    for (const [speaker, state] of states) {
      if (state.remote && state.at < horizon) states.delete(speaker);
      else if (speaker !== except) out.push(state.update);
    }
    return out;
  }
}

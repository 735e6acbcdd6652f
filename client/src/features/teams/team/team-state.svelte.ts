import type { TeamView } from '../../../../../shared/src/views.js';
import { ApiError, errorText } from '../../../lib/api.js';
import { coalesce } from '../../../lib/coalesce.js';
import { getTeam } from '../api.js';

export type TeamLoadState = 'loading' | 'ready' | 'not_found' | 'error';

/**
 * Not a current member, no such team, or an id that is not one: the server answers alike
 * (404, or 400 for a malformed id) so that nobody learns whether a team exists.
 */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.code === 'not_found' || error.code === 'validation_failed')
  );
}

/** One team as its page shows it; every write answers the new team, which replaces it. */
export class TeamState {
  team = $state<TeamView | null>(null);
  state = $state<TeamLoadState>('loading');
  loadError = $state<string | null>(null);

  constructor(readonly id: string) {}

  readonly refresh = coalesce(async () => {
    try {
      this.team = await getTeam(this.id);
      this.state = 'ready';
      this.loadError = null;
    } catch (error) {
      if (isNotFound(error)) {
        this.team = null;
        this.state = 'not_found';
      } else if (this.team) {
        // Keep showing what we have; say the refresh failed.
        this.loadError = errorText(error);
      } else {
        this.state = 'error';
        this.loadError = errorText(error);
      }
    }
  });

  /**
   * Whether the acting professional is still a member: after `team:left`, which also comes
   * when the team became read-only history (its members may still read it).
   */
  async stillMember(): Promise<boolean> {
    try {
      this.team = await getTeam(this.id);
      this.state = 'ready';
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      // Unknown (offline...): keep the page; the next event or reconnection tells.
      return true;
    }
  }

  /** Runs a write answered by the team and shows its answer. */
  async apply(write: (id: string) => Promise<TeamView>): Promise<void> {
    this.team = await write(this.id);
    this.state = 'ready';
  }
}

import type { InboxInvitationView, TeamSummaryView } from '../../../../../shared/src/views.js';
import { errorText } from '../../../lib/api.js';
import { coalesce } from '../../../lib/coalesce.js';
import { fullName } from '../../../lib/format.js';
import type { Listeners } from '../../../lib/socket.svelte.js';
import { acceptInvitation, declineInvitation, listInvitations, listTeams } from '../api.js';

type LoadState = 'loading' | 'ready' | 'error';

/** "Mes ESCAP": my teams and my pending invitations, kept current by the live events. */
export class MyTeams {
  teams = $state<TeamSummaryView[]>([]);
  teamsState = $state<LoadState>('loading');
  teamsError = $state<string | null>(null);

  invitations = $state<InboxInvitationView[]>([]);
  invitationsState = $state<LoadState>('loading');
  invitationsError = $state<string | null>(null);

  /** Read by screen readers when an invitation arrives or goes away live. */
  announcement = $state('');

  readonly refreshTeams = coalesce(async () => {
    try {
      this.teams = await listTeams();
      this.teamsState = 'ready';
      this.teamsError = null;
    } catch (error) {
      this.teamsError = errorText(error);
      if (this.teamsState === 'loading') this.teamsState = 'error';
    }
  });

  readonly refreshInvitations = coalesce(async () => {
    try {
      this.invitations = await listInvitations();
      this.invitationsState = 'ready';
      this.invitationsError = null;
    } catch (error) {
      this.invitationsError = errorText(error);
      if (this.invitationsState === 'loading') this.invitationsState = 'error';
    }
  });

  load(): Promise<unknown> {
    return Promise.all([this.refreshTeams(), this.refreshInvitations()]);
  }

  /** Live events that change what this page shows. */
  readonly listeners: Omit<Listeners, 'connect'> = {
    'invitation:received': (invitation) => {
      if (this.invitations.some((i) => i.id === invitation.id)) return;
      this.invitations = [invitation, ...this.invitations];
      this.announcement = `Nouvelle invitation de ${fullName(invitation.invitedBy)}.`;
    },
    'invitation:closed': ({ id }) => {
      if (!this.invitations.some((i) => i.id === id)) return;
      this.invitations = this.invitations.filter((i) => i.id !== id);
      this.announcement = "Une invitation n'est plus en attente.";
    },
    'team:changed': () => void this.refreshTeams(),
    'team:left': () => void this.refreshTeams(),
  };

  /** Joins the team; answers its id. */
  async accept(invitationId: string): Promise<string> {
    const teamId = await acceptInvitation(invitationId);
    this.invitations = this.invitations.filter((i) => i.id !== invitationId);
    void this.refreshTeams();
    return teamId;
  }

  async decline(invitationId: string): Promise<void> {
    await declineInvitation(invitationId);
    this.invitations = this.invitations.filter((i) => i.id !== invitationId);
    this.announcement = 'Invitation refusée.';
  }
}

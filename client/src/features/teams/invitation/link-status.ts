import type { InvitationStatus } from '../../../../../shared/src/views.js';

/** Why an invitation link can no longer be used, in French; null while it is pending. */
export function linkProblem(status: InvitationStatus): string | null {
  switch (status) {
    case 'pending':
      return null;
    case 'expired':
      return 'Cette invitation a expiré. Demandez à la personne qui vous a invité·e de vous en envoyer une nouvelle.';
    case 'accepted':
      return 'Cette invitation a déjà été utilisée.';
    case 'declined':
      return 'Cette invitation a été refusée.';
    case 'cancelled':
      return 'Cette invitation a été annulée.';
  }
}

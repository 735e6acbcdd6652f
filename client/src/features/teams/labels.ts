import type { Identity } from '../../../../shared/src/schemas/patient.js';
import type { InvitationView, TeamView } from '../../../../shared/src/views.js';
import { nameWithProfession } from '../../lib/format.js';

/** The name the patient is called by, then the first names: "Dupont Marie". */
export function patientName(identity: Identity): string {
  return `${identity.usedName || identity.birthName} ${identity.firstNames}`;
}

/** Why the team is read-only, for the banner; null when it is not. */
export function readOnlyReason(team: TeamView): string | null {
  if (!team.readOnly) return null;
  if (team.status === 'closed') return 'ESCAP clôturée — dossier en lecture seule';
  if (team.consent.withdrawnAt) return 'Consentement retiré — lecture seule';
  return 'Dossier en lecture seule';
}

export function inviteeLabel(invitee: InvitationView['invitee']): string {
  return 'professional' in invitee ? nameWithProfession(invitee.professional) : invitee.email;
}

export function medecinTraitantLabel(team: TeamView): string {
  const mt = team.medecinTraitant;
  if (!mt) return 'Non désigné';
  if ('email' in mt) return `Invité par e-mail (${mt.email})`;
  const isMember = team.members.some((m) => m.professional.id === mt.professional.id);
  return isMember
    ? nameWithProfession(mt.professional)
    : `${nameWithProfession(mt.professional)}, invitation en attente`;
}

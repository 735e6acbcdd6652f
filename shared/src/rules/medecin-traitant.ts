/**
 * Whether a team has its médecin traitant, or is about to: a member is it, or an invitation
 * for the role is pending. Then the invitation form does not offer "as médecin traitant":
 * another doctor is invited as a member and made médecin traitant from the member list (its
 * own command, with a confirmation). The API still lets an invitation replace the médecin
 * traitant on acceptance (docs/api-teams.md).
 */
export function hasMedecinTraitant(team: {
  members: readonly { isMedecinTraitant: boolean }[];
  invitations: readonly { status: string; asMedecinTraitant: boolean }[];
}): boolean {
  return (
    team.members.some((m) => m.isMedecinTraitant) ||
    team.invitations.some((i) => i.status === 'pending' && i.asMedecinTraitant)
  );
}

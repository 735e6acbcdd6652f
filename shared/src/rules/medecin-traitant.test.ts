import { describe, expect, it } from 'vitest';
import { hasMedecinTraitant } from './medecin-traitant.js';

describe('hasMedecinTraitant', () => {
  const member = (isMedecinTraitant: boolean) => ({ isMedecinTraitant });
  const invitation = (status: string, asMedecinTraitant: boolean) => ({
    status,
    asMedecinTraitant,
  });

  it('is true when a member is the médecin traitant or an invitation for it is pending', () => {
    expect(hasMedecinTraitant({ members: [member(true)], invitations: [] })).toBe(true);
    expect(
      hasMedecinTraitant({ members: [member(false)], invitations: [invitation('pending', true)] }),
    ).toBe(true);
  });

  it('is false once that invitation is cancelled, declined or expired', () => {
    for (const status of ['cancelled', 'declined', 'expired'])
      expect(
        hasMedecinTraitant({ members: [member(false)], invitations: [invitation(status, true)] }),
      ).toBe(false);
    expect(
      hasMedecinTraitant({ members: [member(false)], invitations: [invitation('pending', false)] }),
    ).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { abilities, canOnPlatform, denial, TEAM_ACTIONS, type PolicySubject } from './policy.js';

const member: PolicySubject = {
  isManager: false,
  closed: false,
  consentInForce: true,
  everActive: true,
};
const manager: PolicySubject = { ...member, isManager: true };

describe('team policy', () => {
  it('lets every member read, also a closed team', () => {
    for (const s of [member, { ...member, closed: true }, { ...member, consentInForce: false }]) {
      expect(denial(s, 'team.read')).toBeNull();
      expect(denial(s, 'audit.read')).toBeNull();
    }
  });

  it('lets members write to a writable team, and keeps managing to managers', () => {
    expect(denial(member, 'message.send')).toBeNull();
    expect(denial(member, 'patient.update')).toBeNull();
    expect(denial(member, 'member.leave')).toBeNull();
    expect(denial(member, 'member.invite')).toBe('forbidden');
    expect(denial(member, 'team.close')).toBe('forbidden');
    expect(denial(member, 'task.delete.any')).toBe('forbidden');
    expect(denial(member, 'document.add')).toBeNull();
    expect(denial(member, 'document.remove')).toBeNull();
    expect(denial(member, 'document.remove.any')).toBe('forbidden');
    expect(denial(manager, 'document.remove.any')).toBeNull();
    expect(denial(manager, 'member.invite')).toBeNull();
    expect(denial(manager, 'team.close')).toBeNull();
  });

  it('refuses every write to a closed team with team_closed, and to a withdrawn consent with read_only', () => {
    const closed = { ...manager, closed: true };
    const withdrawn = { ...manager, consentInForce: false };
    const reads = ['team.read', 'audit.read', 'push.mute', 'patient_access.revoke', 'fhir.export'];
    for (const action of TEAM_ACTIONS.filter((a) => !reads.includes(a))) {
      expect(denial(closed, action)).toBe('team_closed');
      if (action === 'team.close' || action === 'consent.record') continue;
      expect(denial(withdrawn, action)).toBe('read_only');
    }
    // After a withdrawal: a new consent, or closing, are what remains.
    expect(denial(withdrawn, 'consent.record')).toBeNull();
    expect(denial(withdrawn, 'team.close')).toBeNull();
    expect(denial(manager, 'consent.record')).toBe('consent_in_force');
  });

  it('hands the FHIR export to managers only, also of a closed or withdrawn team', () => {
    expect(denial({ ...manager, closed: true }, 'fhir.export')).toBeNull();
    expect(denial({ ...manager, consentInForce: false }, 'fhir.export')).toBeNull();
    expect(denial({ ...manager, isManager: false }, 'fhir.export')).toBe('forbidden');
  });

  it('renews only a team that was active once', () => {
    expect(denial({ ...manager, everActive: false }, 'team.renew')).toBe('not_yet_active');
    expect(denial(manager, 'team.renew')).toBeNull();
  });

  it('sends the client every action with its answer', () => {
    const can = abilities(member);
    expect(Object.keys(can).sort()).toEqual([...TEAM_ACTIONS].sort());
    expect(can['message.send']).toBe(true);
    expect(can['member.invite']).toBe(false);
  });
});

describe('platform policy', () => {
  it('gives the platform report to gestionnaires only, reading roles defensively', () => {
    expect(canOnPlatform({ roles: ['gestionnaire'] }, 'ledger.report')).toBe(true);
    expect(canOnPlatform({ roles: [] }, 'ledger.report')).toBe(false);
    expect(canOnPlatform({ id: 'x' }, 'ledger.report')).toBe(false);
    expect(canOnPlatform({ roles: 'gestionnaire' }, 'ledger.report')).toBe(false);
    expect(canOnPlatform(null, 'ledger.report')).toBe(false);
  });
});

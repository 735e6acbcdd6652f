import { describe, expect, it } from 'vitest';
import { GESTIONNAIRE, hasRole } from './roles.js';

describe('hasRole', () => {
  it('reads the roles of the session, a missing field meaning none', () => {
    expect(hasRole({ roles: ['gestionnaire'] }, GESTIONNAIRE)).toBe(true);
    expect(hasRole({ roles: [] }, GESTIONNAIRE)).toBe(false);
    expect(hasRole({ id: 'x' }, GESTIONNAIRE)).toBe(false);
    expect(hasRole({ roles: 'gestionnaire' }, GESTIONNAIRE)).toBe(false);
    expect(hasRole(null, GESTIONNAIRE)).toBe(false);
  });
});

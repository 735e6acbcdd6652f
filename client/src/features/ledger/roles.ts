/** The platform role that sees every professional's ledger (yearly declarations). */
export const GESTIONNAIRE = 'gestionnaire';

/**
 * Whether the signed-in professional holds a role. Read defensively: sessions answered by a
 * server without roles (or an older schema) carry no `roles` field, which means no role.
 */
export function hasRole(professional: object | null | undefined, role: string): boolean {
  if (!professional || !('roles' in professional)) return false;
  const roles = professional.roles;
  return Array.isArray(roles) && roles.includes(role);
}

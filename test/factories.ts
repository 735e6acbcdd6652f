import { randomInt } from 'node:crypto';
import type { SignUpInput } from '../shared/src/schemas/auth.js';
import type { Agent } from './helpers/http.js';

let counter = 0;

/** An 11-digit RPPS unique within the run. */
export function uniqueRpps(): string {
  counter += 1;
  return `1${String(randomInt(0, 1e6)).padStart(6, '0')}${String(counter % 10_000).padStart(4, '0')}`;
}

export function buildSignUp(overrides: Partial<SignUpInput> = {}): SignUpInput {
  const rpps = overrides.rpps ?? uniqueRpps();
  return {
    rpps,
    profession: 'infirmier',
    firstName: 'Camille',
    lastName: 'Lefèvre',
    email: `camille.${rpps}@exemple.fr`,
    password: 'un mot de passe solide',
    ...overrides,
  };
}

/** Signs a new professional up through the API; the agent ends up signed in. */
export async function signUpAs(agent: Agent, overrides: Partial<SignUpInput> = {}) {
  const input = buildSignUp(overrides);
  await agent.init();
  const res = await agent.post<{ professional: { id: string } }>('/api/auth/signup', input);
  if (res.status !== 201)
    throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { input, professional: res.body.professional };
}

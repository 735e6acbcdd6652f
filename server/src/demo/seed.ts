import type { Connection } from 'mongoose';
import type { Profession } from '../../../shared/src/professions.js';
import type { AuthService } from '../auth/service.js';
import type { Logger } from '../logger.js';

/**
 * Demo professionals for trying the app with the embedded database (`npm start` with no
 * settings). Marked `demo` in the database and in the UI; never seeded on a real MongoDB
 * unless DEMO_DATA=true is set on purpose.
 */
export const DEMO_PASSWORD = 'demo-escap-2026';

export const DEMO_PROFESSIONALS: ReadonlyArray<{
  rpps: string;
  profession: Profession;
  firstName: string;
  lastName: string;
  email: string;
}> = [
  {
    rpps: '10000000001',
    profession: 'medecin',
    firstName: 'Claire',
    lastName: 'Martin',
    email: 'claire.martin@demo.escap.fr',
  },
  {
    rpps: '10000000002',
    profession: 'infirmier',
    firstName: 'Julien',
    lastName: 'Bernard',
    email: 'julien.bernard@demo.escap.fr',
  },
  {
    rpps: '10000000003',
    profession: 'pharmacien',
    firstName: 'Sophie',
    lastName: 'Petit',
    email: 'sophie.petit@demo.escap.fr',
  },
  {
    rpps: '10000000004',
    profession: 'masseur_kinesitherapeute',
    firstName: 'Karim',
    lastName: 'Haddad',
    email: 'karim.haddad@demo.escap.fr',
  },
];

export async function seedDemo(db: Connection, auth: AuthService, logger: Logger): Promise<void> {
  const Professional = db.model('Professional');
  for (const p of DEMO_PROFESSIONALS) {
    if (await Professional.exists({ rpps: p.rpps })) continue;
    await auth.signUp({ ...p, password: DEMO_PASSWORD });
    await Professional.updateOne({ rpps: p.rpps }, { $set: { demo: true } });
  }
  const lines = DEMO_PROFESSIONALS.map(
    (p) => `    ${p.email.padEnd(32)} RPPS ${p.rpps}  (${p.profession})`,
  ).join('\n');
  logger.info(
    `\n  DEMO DATA — demonstration accounts, not real professionals.\n` +
      `  Sign in with any of them, password "${DEMO_PASSWORD}":\n${lines}`,
  );
}

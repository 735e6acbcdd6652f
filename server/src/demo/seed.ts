import type { GridDefinition } from '../../../shared/src/grid/definition.js';
import { factorsInScope } from '../../../shared/src/grid/score.js';
import type { Inclusion } from '../../../shared/src/schemas/patient.js';
import type { Connection, Model } from 'mongoose';
import type { Profession } from '../../../shared/src/professions.js';
import type { Role } from '../../../shared/src/schemas/auth.js';
import type { Contributions } from '../contributions/service.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { toProfessional, type AuthService } from '../auth/service.js';
import type { InvitationCommands } from '../invitations/commands.js';
import type { TeamCommands } from '../teams/commands.js';
import type { TeamService } from '../teams/service.js';
import type { Logger } from '../logger.js';
import { AppError } from '../http/errors.js';

const DIRECTORY_REFUSALS: ReadonlySet<string> = new Set([
  'rpps_not_in_directory',
  'directory_mismatch',
]);

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
  /** Platform roles (the gestionnaire reads the participation report). */
  roles?: Role[];
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
  {
    rpps: '10000000005',
    profession: 'pharmacien',
    firstName: 'Gestionnaire',
    lastName: 'Démo',
    email: 'gestionnaire@demo.escap.fr',
    roles: ['gestionnaire'],
  },
];

export async function seedDemo(
  db: Connection,
  services: {
    auth: AuthService;
    teams: TeamService;
    teamCommands: TeamCommands;
    invitationCommands: InvitationCommands;
    contributions: Contributions;
  },
  logger: Logger,
): Promise<void> {
  const Professional = db.model<ProfessionalDoc>('Professional');
  let fresh = false;
  for (const { roles = [], ...p } of DEMO_PROFESSIONALS) {
    if (await Professional.exists({ rpps: p.rpps })) continue;
    try {
      await services.auth.signUp({ ...p, password: DEMO_PASSWORD });
    } catch (err) {
      // A real directory is loaded (DIRECTORY_FILE, kept by an embedded mongod): it rightly
      // refuses made-up professionals. No demo data then, rather than no server.
      if (err instanceof AppError && DIRECTORY_REFUSALS.has(err.code)) {
        logger.warn(
          'demo data not seeded: the national directory loaded does not list the demo accounts',
        );
        return;
      }
      throw err;
    }
    await Professional.updateOne({ rpps: p.rpps }, { $set: { demo: true, roles } });
    fresh = true;
  }
  if (fresh) await seedDemoTeam(Professional, services);
  const lines = DEMO_PROFESSIONALS.map(
    (p) =>
      `    ${p.email.padEnd(32)} RPPS ${p.rpps}  (${[p.profession, ...(p.roles ?? [])].join(', ')})`,
  ).join('\n');
  logger.info(
    `\n  DEMO DATA — demonstration accounts, not real professionals.\n` +
      `  Sign in with any of them, password "${DEMO_PASSWORD}":\n${lines}`,
  );
}

/**
 * One active demo ESCAP (a fictitious patient): Claire Martin, médecin traitant, with Julien
 * and Sophie; Karim has a pending invitation, so each demo account shows something different.
 * Claire and Julien have contributed this year, so their participation ledger counts the team
 * (Sophie's shows a team not counted for want of a contribution). Built through the services,
 * like a real team.
 */
async function seedDemoTeam(
  Professional: Model<ProfessionalDoc>,
  {
    teams,
    teamCommands,
    invitationCommands,
    contributions,
  }: {
    teams: TeamService;
    teamCommands: TeamCommands;
    invitationCommands: InvitationCommands;
    contributions: Contributions;
  },
): Promise<void> {
  const byRpps = async (rpps: string) => {
    const doc = await Professional.findOne({ rpps }).lean<ProfessionalDoc>();
    if (!doc) throw new Error(`demo professional ${rpps} missing`);
    return toProfessional(doc);
  };
  const [claire, julien, sophie] = await Promise.all(
    ['10000000001', '10000000002', '10000000003'].map(byRpps),
  );
  const { teamId } = await teamCommands.create(claire!, {
    patient: {
      identity: {
        birthName: 'EXEMPLE',
        firstNames: 'Marcel',
        sex: 'M',
        birthDate: '1941-04-12',
        birthPlaceCode: '69123',
      },
    },
    inclusion: demoInclusion(teamCommands.grid),
    consent: { date: new Date().toISOString().slice(0, 10), method: 'oral' },
    medecinTraitant: { self: true },
  });
  for (const [who, rpps] of [
    [julien!, '10000000002'],
    [sophie!, '10000000003'],
  ] as const) {
    const ctx = await teams.member(claire!, teamId);
    const { invitation } = await invitationCommands.invite(
      ctx,
      { invitee: { rpps } },
      'http://localhost',
    );
    await invitationCommands.accept(who, invitation.id);
  }
  const ctx = await teams.member(claire!, teamId);
  await invitationCommands.invite(ctx, { invitee: { rpps: '10000000004' } }, 'http://localhost');
  const now = new Date();
  await contributions.record(teamId, claire!.id, 'note', now, 2);
  await contributions.record(teamId, claire!.id, 'message', now);
  await contributions.record(teamId, julien!.id, 'task', now);
}

/** The demo patient's inclusion on the grid in force: the most severe level of every factor. */
function demoInclusion(grid: GridDefinition): Inclusion {
  const answers: Record<string, string> = {};
  for (const factor of factorsInScope(grid, false)) {
    const top = factor.levels.reduce((a, b) => (b.points > a.points ? b : a));
    answers[factor.id] = top.id;
  }
  return {
    category: grid.categories[0]?.id ?? 'polypathologie_65',
    gridVersion: grid.version,
    pregnant: false,
    answers,
  };
}

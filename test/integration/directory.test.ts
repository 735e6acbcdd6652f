import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySearchView, DirectoryStatusView } from '../../shared/src/directory.js';
import { PUBLISHED_HEADER } from '../../server/src/directory/format.js';
import { importDirectory, type ImportReport } from '../../server/src/directory/importer.js';
import { buildSignUp } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import {
  buildCreateTeam,
  createTeam,
  expectError,
  expectStatus,
  invite,
  signUpPro,
  type Pro,
} from '../teamFactories.js';

type Column = (typeof PUBLISHED_HEADER)[number];
interface Person {
  rpps: string;
  last: string;
  first: string;
  code: string;
  label: string;
  city?: string;
  postalCode?: string;
  idType?: string;
}

/** A file in the published layout, its columns in the order given (default: published). */
function extract(people: Person[], columns: readonly Column[] = PUBLISHED_HEADER): string {
  const row = (p: Person) => {
    const values: Partial<Record<Column, string>> = {
      "Type d'identifiant PP": p.idType ?? '8',
      'Identifiant PP': p.rpps,
      "Nom d'exercice": p.last,
      "Prénom d'exercice": p.first,
      'Code profession': p.code,
      'Libellé profession': p.label,
      'Libellé commune (coord. structure)': p.city ?? 'LYON',
      'Code postal (coord. structure)': p.postalCode ?? '69003',
    };
    return `${columns.map((c) => values[c] ?? '').join('|')}|`;
  };
  return [`${columns.join('|')}|`, ...people.map(row)].join('\r\n') + '\r\n';
}

function load(t: TestApp, text: string): Promise<ImportReport> {
  return importDirectory(t.app.services.directoryModels, { source: Readable.from([text]) });
}

let serial = 0;
const rpps = () =>
  `18${String(Date.now() % 1e6).padStart(6, '0')}${String(serial++).padStart(3, '0')}`;

describe('the national directory', () => {
  let t: TestApp;
  const doctor: Person = {
    rpps: rpps(),
    last: 'LEFÈVRE',
    first: 'Zoé',
    code: '10',
    label: 'Médecin',
  };
  const nurse: Person = {
    rpps: rpps(),
    last: 'DURAND',
    first: 'Éloïse',
    code: '60',
    label: 'Infirmier',
    city: 'SAINT-ÉTIENNE',
    postalCode: '42000',
  };
  const dentist: Person = {
    rpps: rpps(),
    last: 'LEFEBVRE',
    first: 'Jean',
    code: '40',
    label: 'Chirurgien-Dentiste',
  };
  const psychologist: Person = {
    rpps: '7500000001',
    last: 'LEFÈVRE',
    first: 'Paul',
    code: '69',
    label: 'Psychologue',
    idType: '0',
  };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is not loaded until an import finished; sign-up is then unchecked', async () => {
    const agent = await new Agent(t.baseUrl).init();
    const status = expectStatus(await agent.get<DirectoryStatusView>('/api/directory/status'), 200);
    expect(status).toMatchObject({ loaded: false, synthetic: false, signUp: 'refuse' });
    const pro = await signUpPro(t, { rpps: '12345678901', profession: 'medecin' });
    expect(pro.professional.rppsCheck).toBeNull();
  });

  it('imports by header name, whatever the column order; skips other identifier types', async () => {
    const shuffled = [...PUBLISHED_HEADER].reverse();
    const report = await load(
      t,
      extract(
        [doctor, nurse, { ...nurse, city: 'LYON', postalCode: '69003' }, dentist, psychologist],
        shuffled,
      ),
    );
    expect(report).toMatchObject({ lines: 5, imported: 4, skipped: { notRpps: 1, invalid: 0 } });
    const agent = await new Agent(t.baseUrl).init();
    expect(
      expectStatus(await agent.get<DirectoryStatusView>('/api/directory/status'), 200).loaded,
    ).toBe(true);
  });

  it('refuses a file that is not the extract, naming the missing columns', async () => {
    await expect(load(t, 'nom|prénom|\r\nDUPONT|Jean|\r\n')).rejects.toThrow(/Identifiant PP/);
  });

  describe('sign-up against it', () => {
    it('refuses an RPPS it does not list (the issue: 12345678901 as a médecin)', async () => {
      const agent = await new Agent(t.baseUrl).init();
      const res = await agent.post(
        '/api/auth/signup',
        buildSignUp({ rpps: '12345678909', profession: 'medecin' }),
      );
      expectError(res, 422, 'rpps_not_in_directory');
      expect((res.body as { error: { field: string } }).error.field).toBe('rpps');
    });

    it('refuses names or a profession that are not those listed', async () => {
      for (const patch of [
        { firstName: 'Zoée', lastName: 'Lefèvre', profession: 'medecin' as const },
        { firstName: 'Zoé', lastName: 'Lefèvre', profession: 'infirmier' as const },
      ]) {
        const agent = await new Agent(t.baseUrl).init();
        expectError(
          await agent.post('/api/auth/signup', buildSignUp({ rpps: doctor.rpps, ...patch })),
          422,
          'directory_mismatch',
        );
      }
    });

    it('accepts the listed identity without regard to case or accents, marked as checked', async () => {
      const pro = await signUpPro(t, {
        rpps: doctor.rpps,
        firstName: 'zoe',
        lastName: 'Lefevre',
        profession: 'medecin',
      });
      expect(pro.professional.rppsCheck).toBe('directory');
    });
  });

  describe('médecin traitant', () => {
    let listed: Pro;
    let unlisted: Pro;
    let nursePro: Pro;
    beforeAll(async () => {
      // A médecin the directory lists, and one it does not (an account from before the
      // directory, or of a directory set to flag).
      const listedPerson: Person = {
        rpps: rpps(),
        last: 'ROUX',
        first: 'Anne',
        code: '10',
        label: 'Médecin',
      };
      await load(t, extract([doctor, nurse, dentist, listedPerson]));
      listed = await signUpPro(t, {
        rpps: listedPerson.rpps,
        firstName: 'Anne',
        lastName: 'Roux',
        profession: 'medecin',
      });
      nursePro = await signUpPro(t, {
        rpps: nurse.rpps,
        firstName: 'Éloïse',
        lastName: 'Durand',
        profession: 'infirmier',
      });
      // The same deployment with DIRECTORY_SIGNUP=flag: an unconfirmed sign-up goes through.
      const flag = await startTestApp({ dbName: t.db.name, env: { DIRECTORY_SIGNUP: 'flag' } });
      try {
        const created = await signUpPro(flag, { rpps: rpps(), profession: 'medecin' });
        const agent = await new Agent(t.baseUrl).init();
        expectStatus(
          await agent.post('/api/auth/signin', {
            identifier: created.input.email,
            password: created.input.password,
          }),
          200,
        );
        unlisted = { ...created, agent };
      } finally {
        await flag.app.close();
      }
    });

    it('flag mode: an identity the directory does not confirm is kept, marked "non vérifié"', () => {
      expect(unlisted.professional.rppsCheck).toBe('unverified');
    });

    it('a médecin the directory does not list cannot be designated, by anyone, any way', async () => {
      expectError(
        await unlisted.agent.post('/api/teams', {
          ...buildCreateTeam(),
          medecinTraitant: { self: true },
        }),
        400,
        'not_a_listed_physician',
      );
      const { team } = await createTeam(listed);
      expectError(
        await listed.agent.post(`/api/teams/${team.id}/invitations`, {
          invitee: { rpps: unlisted.input.rpps },
          asMedecinTraitant: true,
        }),
        400,
        'not_a_listed_physician',
      );
      // A member already: switching to them is refused too.
      const inv = await invite(listed, team.id, { invitee: { rpps: unlisted.input.rpps } });
      expectStatus(
        await unlisted.agent.post(`/api/invitations/${inv.invitation.id}/accept`, {}),
        200,
      );
      expectError(
        await listed.agent.post(`/api/teams/${team.id}/medecin-traitant`, {
          professionalId: unlisted.id,
        }),
        400,
        'not_a_listed_physician',
      );
    });

    it('a listed médecin can', async () => {
      const { team } = await createTeam(listed);
      expect(team.medecinTraitant).toMatchObject({ professional: { id: listed.id } });
    });

    it('search: accent- and case-insensitive, with city and profession, registered or not', async () => {
      const res = expectStatus(
        await nursePro.agent.get<DirectorySearchView>(
          `/api/directory/search?q=${encodeURIComponent('lefevre')}`,
        ),
        200,
      );
      expect(res.hits.map((h) => `${h.lastName} ${h.firstName}`)).toEqual(['LEFÈVRE Zoé']);
      const hit = res.hits[0]!;
      expect(hit).toMatchObject({ profession: 'medecin', professionLabel: 'Médecin' });
      expect(hit.places).toEqual([{ city: 'LYON', postalCode: '69003' }]);
      expect(hit.registered).not.toBeNull();

      const byFirst = expectStatus(
        await nursePro.agent.get<DirectorySearchView>(
          `/api/directory/search?q=${encodeURIComponent('ÉLOÏSE dur')}`,
        ),
        200,
      );
      expect(byFirst.hits).toHaveLength(1);
      expect(byFirst.hits[0]!.places).toContainEqual({
        city: 'SAINT-ÉTIENNE',
        postalCode: '42000',
      });

      const lef = expectStatus(
        await nursePro.agent.get<DirectorySearchView>('/api/directory/search?q=LEF'),
        200,
      );
      expect(lef.hits.map((h) => h.lastName).sort()).toEqual(['LEFEBVRE', 'LEFÈVRE']);
      expect(lef.hits.find((h) => h.lastName === 'LEFEBVRE')!.registered).toBeNull();
    });

    it('search needs a session', async () => {
      const anonymous = await new Agent(t.baseUrl).init();
      expect((await anonymous.get('/api/directory/search?q=lef')).status).toBe(401);
    });
  });

  it('re-import is an update: lines gone are marked absent, lines back are revived', async () => {
    const { Line } = t.app.services.directoryModels;
    const gone = await load(t, extract([doctor, nurse]));
    expect(gone.markedAbsent).toBeGreaterThan(0);
    const dentistLine = await Line.findOne({ rpps: dentist.rpps }).lean();
    expect(dentistLine?.absentSince).toBeInstanceOf(Date);
    const agent = await new Agent(t.baseUrl).init();
    expectError(
      await agent.post(
        '/api/auth/signup',
        buildSignUp({
          rpps: dentist.rpps,
          firstName: 'Jean',
          lastName: 'Lefebvre',
          profession: 'chirurgien_dentiste',
        }),
      ),
      422,
      'rpps_not_in_directory',
    );
    const back = await load(t, extract([doctor, nurse, dentist]));
    expect(back.markedAbsent).toBe(0);
    expect((await Line.findOne({ rpps: dentist.rpps }).lean())?.absentSince).toBeNull();
    // A changed line: the old version is absent, the new one current.
    await load(t, extract([doctor, { ...nurse, city: 'NANTES', postalCode: '44000' }, dentist]));
    const nurseLines = await Line.find({ rpps: nurse.rpps }).lean();
    expect(nurseLines.filter((l) => l.absentSince === null).map((l) => l.city)).toEqual(['NANTES']);
  });
});

import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Profession } from '../../shared/src/professions.js';
import { openConnection } from '../../server/src/db/connection.js';
import { signUpAs } from '../factories.js';
import { Agent } from '../helpers/http.js';
import { allTeamViolations } from '../helpers/invariants.js';
import { seeded } from '../helpers/noteWire.js';
import { databaseUri, freePort, ServerProcess } from '../helpers/serverProcess.js';
import { buildConsent, buildCreateTeam } from '../teamFactories.js';

/**
 * `kill -9` of the real server while loops create teams, invite, accept, leave and withdraw
 * consent; then a restart on the same database. Every team command is one transaction, so
 * whenever the kill lands: no half-created team, no membership without its status history, no
 * invitation both used and open, and the ledger's periods are the membership periods
 * (test/helpers/invariants.ts). Side effects left in the outbox are delivered at the restart.
 */
const ROUNDS = 3;
/** Commands acknowledged per round before the kill: the kill lands among those in flight. */
const ACKS_BEFORE_KILL = 25;
const WORKERS = 4;
const rng = seeded(0xc0ffee);

const dbName = `escap_cmdcrash_${randomBytes(6).toString('hex')}`;
let db: Connection;
let server: ServerProcess;

interface Member {
  agent: Agent;
  id: string;
  rpps: string;
}

beforeAll(async () => {
  db = await openConnection(inject('mongoUri'), { dbName });
  server = new ServerProcess(await freePort(), { MONGODB_URI: databaseUri(dbName) });
  await server.start();
}, 60_000);
afterAll(async () => {
  await server.kill();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

async function signUp(profession: Profession): Promise<Member> {
  const agent = new Agent(server.baseUrl);
  const { input, professional } = await signUpAs(agent, { profession });
  return { agent, id: professional.id, rpps: input.rpps };
}

/** Throws on anything but the expected status; a refused command (409...) is an answer too. */
async function call(
  agent: Agent,
  method: 'post',
  path: string,
  body: unknown,
  ok: number[],
): Promise<unknown> {
  const res = await agent[method]<Record<string, unknown>>(path, body);
  if (!ok.includes(res.status))
    throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * One worker's loop: a médecin creates a team, invites two colleagues who accept (the team
 * turns active), one of them leaves, and now and then the consent is withdrawn. It stops at
 * the first failed request (the server is gone).
 */
async function work(
  doctor: Member,
  colleagues: Member[],
  acked: () => void,
  stop: { now: boolean },
): Promise<void> {
  try {
    while (!stop.now) {
      const created = (await call(
        doctor.agent,
        'post',
        '/api/teams',
        buildCreateTeam({ consent: buildConsent() }),
        [201],
      )) as {
        team: { id: string };
      };
      acked();
      const teamId = created.team.id;
      const picked = [...colleagues].sort(() => rng() - 0.5).slice(0, 2);
      for (const c of picked) {
        const { invitation } = (await call(
          doctor.agent,
          'post',
          `/api/teams/${teamId}/invitations`,
          { invitee: { rpps: c.rpps } },
          [201],
        )) as {
          invitation: { id: string };
        };
        acked();
        await call(c.agent, 'post', `/api/invitations/${invitation.id}/accept`, undefined, [200]);
        acked();
      }
      if (rng() < 0.7) {
        await call(picked[0]!.agent, 'post', `/api/teams/${teamId}/leave`, {}, [204]);
        acked();
      }
      if (rng() < 0.4) {
        await call(doctor.agent, 'post', `/api/teams/${teamId}/consent/withdraw`, {}, [200]);
        acked();
      }
    }
  } catch {
    // The server was killed under this request: the round is over for this worker.
  }
}

describe('team commands under kill -9', () => {
  // Three kills and restarts of a server process: long by nature, whatever the machine's speed.
  it('leave no half-done change, whenever the kill lands', { timeout: 180_000 }, async () => {
    const doctors = await Promise.all(Array.from({ length: WORKERS }, () => signUp('medecin')));
    const colleagues = await Promise.all(
      (['infirmier', 'pharmacien', 'masseur_kinesitherapeute', 'infirmier'] as const).map(signUp),
    );
    let total = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let acks = 0;
      const stop = { now: false };
      let reached!: () => void;
      const enough = new Promise<void>((r) => (reached = r));
      const acked = () => {
        acks += 1;
        if (acks === ACKS_BEFORE_KILL) reached();
      };
      const loops = doctors.map((d) => work(d, colleagues, acked, stop));
      await enough;
      await server.kill();
      stop.now = true;
      await Promise.all(loops);
      total += acks;

      // What the dead server left: every rule holds, before anything else runs.
      expect(await allTeamViolations(db)).toEqual([]);
      await server.start();
      // The start-up sweep delivered what the dead process had committed but not sent.
      expect(await db.collection('outboxentries').countDocuments()).toBe(0);
    }
    const teams = await db.collection('teams').countDocuments();
    const memberships = await db.collection('memberships').countDocuments();
    console.log(
      `[commands-crash] ${ROUNDS} kills, ${total} commands acknowledged, ${teams} teams, ${memberships} memberships: no rule broken`,
    );
    expect(teams).toBeGreaterThan(0);
    expect(await allTeamViolations(db)).toEqual([]);
  });
});

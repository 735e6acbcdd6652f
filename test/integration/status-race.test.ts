import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandHooks } from '../../server/src/commands/command.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { teamViolations } from '../helpers/invariants.js';
import {
  accept,
  createTeam,
  expectStatus,
  getTeam,
  invite,
  inviteAndAccept,
  signUpPros,
  type Pro,
} from '../teamFactories.js';

/**
 * "X accepts" and "Y leaves" on one team at once: each command recomputes the status from the
 * memberships it reads. Without the team lock and the revision compare-and-set, the accept
 * could read three members, the leave commit, and the accept then store ACTIVE with two
 * members (a period the ledger would pay). A checkpoint pauses the first command after it read
 * its facts, the second is started, then the first goes on.
 */
class Gate {
  private armedFor: string | undefined;
  private reachedResolve: (() => void) | undefined;
  private releaseResolve: (() => void) | undefined;
  private readonly invokedWaiters = new Map<string, () => void>();

  readonly hooks: CommandHooks = {
    checkpoint: async (name) => {
      if (name !== this.armedFor) return;
      this.armedFor = undefined;
      const release = new Promise<void>((r) => (this.releaseResolve = r));
      this.reachedResolve?.();
      await release;
    },
    invoked: (name) => {
      this.invokedWaiters.get(name)?.();
      this.invokedWaiters.delete(name);
    },
  };

  /** The next command to reach `checkpoint` stops there until `release`. */
  arm(checkpoint: string): Promise<void> {
    this.armedFor = checkpoint;
    return new Promise<void>((r) => (this.reachedResolve = r));
  }

  invoked(command: string): Promise<void> {
    return new Promise<void>((r) => this.invokedWaiters.set(command, r));
  }

  release(): void {
    this.releaseResolve?.();
  }
}

const gate = new Gate();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ hooks: gate.hooks });
});
afterAll(() => t.close());

/** A pending team of two (the médecin traitant and a nurse) and an invitation to a third. */
async function teamOfTwoAndAnInvitation(): Promise<{
  teamId: string;
  creator: Pro;
  nurse: Pro;
  third: Pro;
  invitationId: string;
}> {
  const [creator, nurse, third] = await signUpPros(t, ['medecin', 'infirmier', 'pharmacien']);
  const { team } = await createTeam(creator!);
  await inviteAndAccept(creator!, team.id, nurse!);
  const { invitation } = await invite(creator!, team.id, { invitee: { rpps: third!.input.rpps } });
  expect((await getTeam(creator!, team.id)).status).toBe('pending');
  return {
    teamId: team.id,
    creator: creator!,
    nurse: nurse!,
    third: third!,
    invitationId: invitation.id,
  };
}

describe('status under concurrent team changes', () => {
  it('an accept paused after reading its facts, and a leave meanwhile: the status follows the facts', async () => {
    const { teamId, nurse, third, invitationId } = await teamOfTwoAndAnInvitation();
    const paused = gate.arm('status.facts-read');
    const accepting = accept(third, invitationId);
    await paused;
    const leaveStarted = gate.invoked('member.leave');
    const leaving = nurse.agent.post(`/api/teams/${teamId}/leave`, {});
    await leaveStarted;
    gate.release();
    await accepting;
    expectStatus(await leaving, 204);

    const id = new Types.ObjectId(teamId);
    expect(await teamViolations(t.db, id)).toEqual([]);
    const team = await t.db.collection('teams').findOne({ _id: id });
    // Accepted first (three members: active), then the nurse left (two: suspended).
    expect(team?.status).toBe('suspended');
    const events = await t.db
      .collection('teamstatusevents')
      .find({ teamId: id })
      .sort({ at: 1, _id: 1 })
      .toArray();
    expect(events.map((e) => e.status as string)).toEqual(['pending', 'active', 'suspended']);
  });

  it('a leave paused after reading its facts, and an accept meanwhile: never active with two', async () => {
    const { teamId, nurse, third, invitationId } = await teamOfTwoAndAnInvitation();
    const paused = gate.arm('status.facts-read');
    const leaving = nurse.agent.post(`/api/teams/${teamId}/leave`, {});
    await paused;
    const acceptStarted = gate.invoked('invitation.accept');
    const accepting = accept(third, invitationId);
    await acceptStarted;
    gate.release();
    expectStatus(await leaving, 204);
    await accepting;

    const id = new Types.ObjectId(teamId);
    expect(await teamViolations(t.db, id)).toEqual([]);
    const team = await t.db.collection('teams').findOne({ _id: id });
    expect(team?.status).toBe('pending');
    expect(await t.db.collection('teamstatusevents').countDocuments({ teamId: id })).toBe(1);
  });

  // Six teams of three accounts (password hashing) and twelve racing commands: a deadline for a
  // loaded machine (it passed 30 s once with other suites running), not a speed target.
  it(
    'many accepts and leaves at once on many teams: every status and history follows the facts',
    { timeout: 120_000 },
    async () => {
      const setups = await Promise.all(Array.from({ length: 6 }, () => teamOfTwoAndAnInvitation()));
      await Promise.all(
        setups.flatMap(({ teamId, nurse, third, invitationId }, i) => {
          const leave = () => nurse.agent.post(`/api/teams/${teamId}/leave`, {});
          const join = () => accept(third, invitationId);
          // Both orders of arrival, on every team at the same time.
          return i % 2 === 0 ? [join(), leave()] : [leave(), join()];
        }),
      );
      for (const { teamId } of setups) {
        expect(await teamViolations(t.db, new Types.ObjectId(teamId))).toEqual([]);
      }
    },
  );
});

import { randomBytes } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { AUDIT_LABELS, type AuditAction } from '../../../shared/src/audit.js';
import {
  patientAccessActor,
  type CreateGrant,
  type PatientGrantView,
  type PatientView,
} from '../../../shared/src/patient-access.js';
import { PROFESSION_LABELS } from '../../../shared/src/professions.js';
import {
  CODE_TTL_MS,
  MAX_CODE_ATTEMPTS,
  PATIENT_SESSION_TTL_MS,
  codeRefusal,
  normaliseCode,
  patientSessionOpen,
} from '../../../shared/src/rules/patient-access.js';
import type { AuditLog } from '../audit/service.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { hashToken } from '../auth/tokens.js';
import type { CarePlanService } from '../careplan/service.js';
import type { CommandRunner } from '../commands/command.js';
import type { Session } from '../db/transaction.js';
import { AppError } from '../http/errors.js';
import type { Mailer } from '../notifications/mailer.js';
import type { SmsSender } from '../notifications/sms.js';
import type { MemberContext } from '../teams/access.js';
import { parseObjectId } from '../teams/access.js';
import { authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import { codeMatches, hashCode, newCode } from './codes.js';
import { patientCodeMail, patientCodeSms } from './mails.js';
import type { GrantDoc, PatientAccessModels, PatientSessionDoc } from './model.js';

export interface PatientAccessDeps {
  models: PatientAccessModels;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  carePlan: CarePlanService;
  commands: CommandRunner;
  audit: AuditLog;
  mailer: Mailer;
  /** The SMS channel's way out; when it does not deliver, the channel is refused. */
  sms: SmsSender;
  /** The HMAC key of the codes (the server's secret). */
  secret: string;
  publicUrl: string | undefined;
  now: () => Date;
}

/** The journal rows the patient reads: at most this many, newest first. */
const JOURNAL_ROWS = 200;

/** An open patient session as the routes see it, checked against its grant on every request. */
export interface PatientContext {
  session: PatientSessionDoc;
  grant: GrantDoc;
}

/**
 * The patient's own view (docs/patient-access.md). The grant's changes are team commands (the
 * team locked, the member's context read again, `patient_access.grant` or `.revoke` asked of the policy, audit rows in
 * the transaction); the code is mailed after the commit and exists in clear nowhere else. The
 * patient's side has no member context: it goes through its own session, checked against its
 * grant on every request, and reads an allow-list of three sources.
 */
export class PatientAccessService {
  constructor(private readonly deps: PatientAccessDeps) {}

  async list(ctx: MemberContext): Promise<PatientGrantView[]> {
    const docs = await this.deps.models.Grant.find({ teamId: ctx.team._id })
      .sort({ createdAt: 1 })
      .lean<GrantDoc[]>();
    await this.deps.teams.audit(ctx, 'patient_access.list');
    return this.views(docs);
  }

  async create(ctx: MemberContext, input: CreateGrant): Promise<PatientGrantView> {
    // Before anything is written: a grant whose codes could never be sent is refused.
    this.channelAvailable(input.channel);
    const doc = await this.deps.commands.run('patient_access.grant', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'patient_access.grant');
      const [created] = await this.deps.models.Grant.create(
        [
          {
            teamId: fresh.team._id,
            who: input.who,
            name: input.name,
            relationship: input.relationship ?? null,
            channel: input.channel,
            address: input.address,
            consentAt: scope.now,
            consentBy: fresh.actorId,
            createdBy: fresh.actorId,
            createdAt: scope.now,
          },
        ],
        { session: scope.session },
      );
      const grant = created!.toObject<GrantDoc>();
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'patient_access.grant',
        detail: `grant:${String(grant._id)}`,
      });
      return grant;
    });
    return (await this.views([doc]))[0]!;
  }

  /**
   * A new code replaces the grant's previous one (in the transaction); it is mailed once the
   * command has committed, so a refused command sends nothing, and it is never stored in clear.
   */
  async sendCode(ctx: MemberContext, grantId: string): Promise<{ expiresAt: string }> {
    const code = newCode();
    const { grant, expiresAt } = await this.deps.commands.run(
      'patient_access.code_send',
      async (scope) => {
        const fresh = await this.deps.teams.lockForCommand(scope, ctx);
        authorize(fresh, 'patient_access.grant');
        const grant = await this.grantOf(fresh, grantId, scope.session);
        if (grant.revokedAt) throw new AppError('grant_revoked');
        // The gateway went away since the grant was made: refused, nothing written.
        this.channelAvailable(grant.channel);
        const expiresAt = new Date(scope.now.getTime() + CODE_TTL_MS);
        await this.deps.models.Code.deleteMany({ grantId: grant._id }, { session: scope.session });
        await this.deps.models.Code.create(
          [
            {
              grantId: grant._id,
              hash: hashCode(this.deps.secret, String(grant._id), code),
              expiresAt,
              usedAt: null,
              failedAttempts: 0,
            },
          ],
          { session: scope.session },
        );
        scope.audit({
          teamId: fresh.team._id,
          actorId: fresh.actorId,
          action: 'patient_access.code_send',
          detail: `grant:${String(grant._id)}`,
        });
        return { grant, expiresAt };
      },
    );
    if (grant.channel === 'sms')
      this.deps.sms.send('patient.code', patientCodeSms(grant.address, code, this.deps.publicUrl));
    else
      this.deps.mailer.send(
        'patient.code',
        patientCodeMail(grant.address, code, this.deps.publicUrl),
      );
    return { expiresAt: expiresAt.toISOString() };
  }

  /** Ends the grant, its code and its sessions in one transaction: the next request is refused. */
  async revoke(ctx: MemberContext, grantId: string): Promise<PatientGrantView> {
    const doc = await this.deps.commands.run('patient_access.revoke', async (scope) => {
      const fresh = await this.deps.teams.lockForCommand(scope, ctx);
      authorize(fresh, 'patient_access.revoke');
      const grant = await this.grantOf(fresh, grantId, scope.session);
      if (grant.revokedAt) return grant;
      const revoked = await this.deps.models.Grant.findOneAndUpdate(
        { _id: grant._id },
        { $set: { revokedAt: scope.now, revokedBy: fresh.actorId } },
        { returnDocument: 'after', session: scope.session },
      ).lean<GrantDoc>();
      await this.deps.models.Code.deleteMany({ grantId: grant._id }, { session: scope.session });
      await this.deps.models.Session.deleteMany({ grantId: grant._id }, { session: scope.session });
      scope.audit({
        teamId: fresh.team._id,
        actorId: fresh.actorId,
        action: 'patient_access.revoke',
        detail: `grant:${String(grant._id)}`,
      });
      return revoked!;
    });
    return (await this.views([doc]))[0]!;
  }

  /**
   * The patient's address and code open a session. Every refusal answers the same
   * `patient_code_invalid`; a wrong code costs each live code of that address one try.
   */
  async open(address: string, typed: string): Promise<{ token: string; expiresAt: Date }> {
    const code = normaliseCode(typed);
    if (code === null) throw new AppError('patient_code_invalid');
    const now = this.deps.now();
    const grants = await this.deps.models.Grant.find({ address, revokedAt: null }).lean<
      GrantDoc[]
    >();
    const tried: Types.ObjectId[] = [];
    for (const grant of grants) {
      const stored = await this.deps.models.Code.findOne({ grantId: grant._id }).lean();
      if (!stored) continue;
      const refusal = codeRefusal(
        {
          expiresAt: stored.expiresAt.getTime(),
          usedAt: stored.usedAt?.getTime() ?? null,
          failedAttempts: stored.failedAttempts,
          grantRevokedAt: null,
        },
        now.getTime(),
      );
      if (refusal) continue;
      if (!codeMatches(this.deps.secret, String(grant._id), code, stored.hash)) {
        tried.push(stored._id);
        continue;
      }
      const opened = await this.claim(grant, stored._id);
      if (opened) return opened;
    }
    if (tried.length > 0)
      await this.deps.models.Code.updateMany(
        { _id: { $in: tried }, usedAt: null },
        { $inc: { failedAttempts: 1 } },
      );
    throw new AppError('patient_code_invalid');
  }

  /** Uses the code (once: two tries at once cannot both win) and opens the session with it. */
  private claim(grant: GrantDoc, codeId: Types.ObjectId) {
    return this.deps.commands.run('patient_access.open', async (scope) => {
      const used = await this.deps.models.Code.findOneAndUpdate(
        {
          _id: codeId,
          usedAt: null,
          failedAttempts: { $lt: MAX_CODE_ATTEMPTS },
          expiresAt: { $gt: scope.now },
        },
        { $set: { usedAt: scope.now } },
        { session: scope.session },
      ).lean();
      const live = await this.deps.models.Grant.findOne({ _id: grant._id, revokedAt: null })
        .session(scope.session)
        .lean();
      if (!used || !live) return null;
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(scope.now.getTime() + PATIENT_SESSION_TTL_MS);
      await this.deps.models.Session.create(
        [{ tokenHash: hashToken(token), grantId: grant._id, teamId: grant.teamId, expiresAt }],
        { session: scope.session },
      );
      scope.audit(this.patientAudit(grant, 'patient_access.open'));
      return { token, expiresAt };
    });
  }

  /** The session of a patient cookie, refused once expired or once its grant is revoked. */
  async resolve(token: string | undefined): Promise<PatientContext> {
    if (!token) throw new AppError('unauthenticated');
    const session = await this.deps.models.Session.findOne({
      tokenHash: hashToken(token),
    }).lean<PatientSessionDoc>();
    if (!session) throw new AppError('patient_session_ended');
    const grant = await this.deps.models.Grant.findById(session.grantId).lean<GrantDoc>();
    const open =
      grant !== null &&
      patientSessionOpen(
        {
          expiresAt: session.expiresAt.getTime(),
          grantRevokedAt: grant.revokedAt?.getTime() ?? null,
        },
        this.deps.now().getTime(),
      );
    if (!open) throw new AppError('patient_session_ended');
    return { session, grant };
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token) await this.deps.models.Session.deleteOne({ tokenHash: hashToken(token) });
  }

  /**
   * The patient's view, built from an allow-list (the team's members, the current care plan,
   * the access journal), never by filtering a member's view: chat, notes and tasks are not
   * read at all. The read is audited before it is answered.
   */
  async view({ grant }: PatientContext): Promise<PatientView> {
    const teamId = grant.teamId;
    const [memberIds, plan, rows] = await Promise.all([
      this.deps.teams.currentMemberIds(teamId),
      this.deps.carePlan.latest(teamId),
      this.deps.audit.list(teamId, { limit: JOURNAL_ROWS }),
    ]);
    const grantIds = rows.filter((r) => r.grantId != null).map((r) => r.grantId!);
    const [ref, grants] = await Promise.all([
      loadRefs(
        this.deps.Professional,
        [...memberIds, ...rows.filter((r) => r.grantId == null).map((r) => r.actorId)].map(
          (id) => new Types.ObjectId(String(id)),
        ),
      ),
      this.deps.models.Grant.find({ _id: { $in: grantIds }, teamId }).lean<GrantDoc[]>(),
    ]);
    const grantName = new Map(grants.map((g) => [String(g._id), g.name]));
    const fullName = (id: unknown) => {
      const p = ref(id as Types.ObjectId);
      return `${p.firstName} ${p.lastName}`.trim();
    };
    const view: PatientView = {
      members: memberIds.map((id) => {
        const p = ref(new Types.ObjectId(id));
        return {
          firstName: p.firstName,
          lastName: p.lastName,
          profession: PROFESSION_LABELS[p.profession],
        };
      }),
      carePlan: plan && {
        version: plan.version,
        objectives: plan.objectives,
        actions: plan.actions.map((a) => ({
          text: a.text,
          rhythm: a.rhythm,
          responsible: `${a.responsible.firstName} ${a.responsible.lastName}`.trim(),
        })),
        reviewDate: plan.reviewDate,
        createdAt: plan.createdAt,
      },
      journal: rows.map((r) => ({
        at: r.at.toISOString(),
        who:
          r.grantId != null
            ? patientAccessActor(grantName.get(String(r.grantId)))
            : fullName(r.actorId),
        action: AUDIT_LABELS[r.action as AuditAction] ?? r.action,
      })),
    };
    await this.deps.audit.record(this.patientAudit(grant, 'patient_view.read'));
    return view;
  }

  /** Who each grant is, for the team's journal: "Accès du patient (Claire Martin)". */
  async grantLabels(teamId: Types.ObjectId, ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const grants = await this.deps.models.Grant.find({ _id: { $in: ids }, teamId }).lean<
      GrantDoc[]
    >();
    return new Map(grants.map((g) => [String(g._id), patientAccessActor(g.name)]));
  }

  /** The SMS channel needs a gateway that delivers: never a code sent nowhere in silence. */
  private channelAvailable(channel: GrantDoc['channel']): void {
    if (channel === 'sms' && !this.deps.sms.delivers) throw new AppError('sms_unavailable');
  }

  /** A row whose actor is the grant (the patient or their carer), not a professional. */
  private patientAudit(grant: GrantDoc, action: AuditAction) {
    return { teamId: grant.teamId, actorId: grant._id, grantId: grant._id, action };
  }

  private async grantOf(ctx: MemberContext, grantId: string, session: Session): Promise<GrantDoc> {
    const id = parseObjectId(grantId);
    const grant = id
      ? await this.deps.models.Grant.findOne({ _id: id, teamId: ctx.team._id })
          .session(session)
          .lean<GrantDoc>()
      : null;
    if (!grant) throw new AppError('grant_not_found');
    return grant;
  }

  private async views(docs: GrantDoc[]): Promise<PatientGrantView[]> {
    const ref = await loadRefs(
      this.deps.Professional,
      docs.map((d) => d.consentBy),
    );
    return docs.map((d) => ({
      id: String(d._id),
      who: d.who,
      name: d.name,
      relationship: d.relationship ?? null,
      channel: d.channel,
      address: d.address,
      consentAt: d.consentAt.toISOString(),
      consentBy: ref(d.consentBy),
      createdAt: d.createdAt.toISOString(),
      revokedAt: d.revokedAt ? d.revokedAt.toISOString() : null,
    }));
  }
}

import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { ProfessionalDoc } from '../auth/model.js';
import type { CarePlanVersionDoc } from '../careplan/model.js';
import type { MessageDoc } from '../chat/model.js';
import type { DocumentDoc } from '../documents/model.js';
import type { TaskDoc } from '../tasks/model.js';
import type { MemberContext } from '../teams/access.js';
import type { MembershipDoc } from '../teams/model.js';
import { authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import { buildBundle, type Bundle } from './mapping.js';

export interface FhirDeps {
  teams: TeamService;
  Professional: Model<ProfessionalDoc>;
  CarePlanVersion: Model<CarePlanVersionDoc>;
  Task: Model<TaskDoc>;
  Message: Model<MessageDoc>;
  Document: Model<DocumentDoc>;
  Membership: Model<MembershipDoc>;
  now: () => Date;
}

/**
 * The FHIR export of one team's file (docs/fhir.md). The export is ONE access, audited once as
 * `fhir.export`: so it reads the features' stored records itself, read-only, rather than through
 * their services, whose reads each write their own audit row. It writes nothing but that row.
 */
export class FhirExportService {
  constructor(private readonly deps: FhirDeps) {}

  async export(ctx: MemberContext, documentsUrl: string): Promise<Bundle> {
    authorize(ctx, 'fhir.export');
    const teamId = ctx.team._id;
    const [team, plan, tasks, messages, documents, former] = await Promise.all([
      this.deps.teams.view(ctx),
      this.deps.CarePlanVersion.findOne({ teamId })
        .sort({ version: -1 })
        .lean<CarePlanVersionDoc>(),
      this.deps.Task.find({ teamId }).sort({ createdAt: 1 }).lean<TaskDoc[]>(),
      this.deps.Message.find({ teamId }).sort({ _id: 1 }).lean<MessageDoc[]>(),
      this.deps.Document.find({ teamId, removedAt: null })
        .sort({ createdAt: 1 })
        .lean<DocumentDoc[]>(),
      this.deps.Membership.find({ teamId, leftAt: { $ne: null } })
        .sort({ joinedAt: 1 })
        .lean<MembershipDoc[]>(),
    ]);
    const ref = await loadRefs(this.deps.Professional, [
      ...former.map((m) => m.professionalId),
      ...(plan ? [plan.createdBy, ...plan.actions.map((a) => a.responsibleId)] : []),
      ...tasks.flatMap((t) => [t.assigneeId, t.createdBy]),
      ...messages.map((m) => m.authorId),
      ...documents.map((d) => d.authorId),
    ]);
    await this.deps.teams.audit(ctx, 'fhir.export');
    return buildBundle(
      {
        team,
        formerMembers: former.map((m) => ({
          professional: ref(m.professionalId),
          joinedAt: m.joinedAt.toISOString(),
          leftAt: (m.leftAt as Date).toISOString(),
        })),
        plan: plan
          ? {
              version: plan.version,
              objectives: plan.objectives,
              actions: plan.actions.map((a) => ({
                text: a.text,
                responsible: ref(a.responsibleId),
                rhythm: a.rhythm,
              })),
              reviewDate: plan.reviewDate,
              createdBy: ref(plan.createdBy),
              createdAt: plan.createdAt.toISOString(),
            }
          : null,
        tasks: tasks.map((t) => ({
          id: String(t._id),
          title: t.title,
          details: t.details ?? null,
          assignee: ref(t.assigneeId),
          due: t.due,
          status: t.status,
          createdBy: ref(t.createdBy),
          createdAt: t.createdAt.toISOString(),
          updatedAt: t.updatedAt.toISOString(),
        })),
        messages: messages.map((m) => ({
          id: String(m._id),
          author: ref(m.authorId),
          text: m.text,
          createdAt: m.createdAt.toISOString(),
          attachments: m.attachments.map(String),
        })),
        documents: documents.map((d) => ({
          id: String(d._id),
          title: d.title,
          kind: d.kind,
          date: d.date,
          fileName: d.fileName,
          mime: d.mime,
          size: d.size,
          author: ref(d.authorId),
          createdAt: d.createdAt.toISOString(),
        })),
        documentsUrl,
        at: this.deps.now().toISOString(),
      },
      randomUUID,
    );
  }
}

import type { Model, Types } from 'mongoose';
import { GroupCommit } from '../db/group-commit.js';
import type { Session } from '../db/transaction.js';
import type { AuditEntryDoc } from './model.js';

export interface AuditRecord {
  teamId: Types.ObjectId | string;
  actorId: Types.ObjectId | string;
  action: AuditAction;
  /** Ids only: never health data. */
  detail?: string;
}

export type AuditAction =
  | 'team.create'
  | 'team.list'
  | 'team.read'
  | 'patient.update'
  | 'invitation.create'
  | 'invitation.cancel'
  | 'invitation.accept'
  | 'invitation.decline'
  | 'member.leave'
  | 'member.remove'
  | 'medecin_traitant.set'
  | 'consent.withdraw'
  | 'consent.record'
  | 'team.renew'
  | 'team.close'
  | 'audit.read'
  | 'audit.export'
  | 'note.open'
  | 'note.edit'
  | 'note.activity.read'
  | 'note.version.create'
  | 'note.version.read'
  | 'message.list'
  | 'message.send'
  | 'task.list'
  | 'task.create'
  | 'task.update'
  | 'task.complete'
  | 'task.reopen'
  | 'task.delete'
  | 'document.list'
  | 'document.add'
  | 'document.view'
  | 'document.download'
  | 'document.remove'
  | 'document.quarantine'
  | 'file.read'
  | 'file.add'
  | 'file.update'
  | 'file.remove'
  | 'plan.read'
  | 'plan.save'
  | 'plan.export'
  | 'event.list'
  | 'event.record'
  | 'timeline.read';

export const AUDIT_LABELS: Record<AuditAction, string> = {
  'team.create': "Création de l'ESCAP",
  'team.list': 'Affichage dans « Mes ESCAP »',
  'team.read': 'Consultation du dossier',
  'patient.update': 'Modification du dossier patient',
  'invitation.create': 'Invitation envoyée',
  'invitation.cancel': 'Invitation annulée',
  'invitation.accept': 'Invitation acceptée',
  'invitation.decline': 'Invitation refusée',
  'member.leave': "Départ de l'équipe",
  'member.remove': "Retrait d'un membre",
  'medecin_traitant.set': 'Changement de médecin traitant',
  'consent.withdraw': 'Retrait du consentement',
  'consent.record': 'Nouveau consentement',
  'team.renew': 'Renouvellement',
  'team.close': 'Clôture',
  'audit.read': "Consultation du journal d'accès",
  'audit.export': "Export du journal d'accès",
  'note.open': 'Ouverture des notes',
  'note.edit': 'Modification des notes',
  'note.activity.read': 'Consultation des dernières modifications',
  'note.version.create': 'Création d’une version des notes',
  'note.version.read': 'Consultation d’une version des notes',
  'message.list': 'Consultation de la discussion',
  'message.send': 'Message envoyé dans la discussion',
  'task.list': 'Consultation des tâches',
  'task.create': 'Création d’une tâche',
  'task.update': 'Modification d’une tâche',
  'task.complete': 'Tâche terminée',
  'task.reopen': 'Tâche rouverte',
  'task.delete': 'Suppression d’une tâche',
  'document.list': 'Consultation de la liste des documents',
  'document.add': 'Ajout d’un document',
  'document.view': 'Consultation d’un document',
  'document.download': 'Téléchargement d’un document',
  'document.remove': 'Retrait d’un document',
  'document.quarantine': 'Fichier mis en quarantaine par l’antivirus',
  'file.read': 'Consultation du dossier structuré',
  'file.add': 'Ajout au dossier structuré',
  'file.update': 'Modification du dossier structuré',
  'file.remove': 'Retrait d’un élément du dossier structuré',
  'plan.read': 'Consultation du plan de soins',
  'plan.save': 'Nouvelle version du plan de soins',
  'plan.export': 'Export PDF du plan de soins',
  'event.list': 'Consultation des événements',
  'event.record': 'Événement signalé',
  'timeline.read': 'Consultation de la chronologie',
};

/**
 * Append-only audit log: this service has no update and no delete, by design.
 * Writes are grouped: records that arrive while a write is in flight go out together in the
 * next `insertMany`, so a crowd opening notes at once costs a few round trips, and each caller
 * is resolved only once its own records are in the database (the access is then answered).
 */
export class AuditLog {
  private readonly writes: GroupCommit<(AuditRecord & { at: Date })[]>;

  constructor(
    private readonly entries: Model<AuditEntryDoc>,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Commands write audit rows in their transactions too (`insert`): batches take their turn.
    this.writes = new GroupCommit(
      async (batch) => {
        await this.entries.insertMany(batch.flat());
        return batch.map(() => undefined);
      },
      { sharedWith: entries.db },
    );
  }

  record(...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const at = this.now();
    return this.writes.push(records.map((r) => ({ ...r, at })));
  }

  /** Writes rows inside a command's transaction: they exist exactly when the change does. */
  async insert(records: AuditRecord[], session: Session, at: Date): Promise<void> {
    if (records.length === 0) return;
    await this.entries.insertMany(
      records.map((r) => ({ ...r, at })),
      { session },
    );
  }

  /** Newest first, `limit` at most, before a given time for paging. */
  async list(teamId: Types.ObjectId, opts: { before?: Date; limit?: number } = {}) {
    const filter = opts.before ? { teamId, at: { $lt: opts.before } } : { teamId };
    return this.entries
      .find(filter)
      .sort({ at: -1, _id: -1 })
      .limit(opts.limit ?? 10_000)
      .lean();
  }
}

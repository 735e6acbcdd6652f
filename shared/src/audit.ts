import { z } from 'zod';

/**
 * The audit log of patient data access (CSP L.1110-4): its actions, their French labels, and
 * what the journal's page and export ask for. The server stores the codes and ids only; names
 * are looked up when the journal is read.
 */
export const AUDIT_ACTIONS = [
  'team.create',
  'team.list',
  'team.read',
  'patient.update',
  'invitation.create',
  'invitation.cancel',
  'invitation.accept',
  'invitation.decline',
  'member.leave',
  'member.remove',
  'medecin_traitant.set',
  'consent.withdraw',
  'consent.record',
  'team.renew',
  'team.close',
  'audit.read',
  'audit.export',
  'note.open',
  'note.edit',
  'note.activity.read',
  'note.version.create',
  'note.version.read',
  'message.list',
  'message.send',
  'task.list',
  'task.create',
  'task.update',
  'task.complete',
  'task.reopen',
  'task.delete',
  'document.list',
  'document.add',
  'document.view',
  'document.download',
  'document.remove',
  'document.quarantine',
  'file.read',
  'file.add',
  'file.update',
  'file.remove',
  'plan.read',
  'plan.save',
  'plan.export',
  'event.list',
  'event.record',
  'timeline.read',
  'fhir.export',
  'notification.list',
  'patient_access.list',
  'patient_access.grant',
  'patient_access.code_send',
  'patient_access.revoke',
  'patient_access.open',
  'patient_view.read',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_LABELS: Record<AuditAction, string> = {
  'team.create': 'Création de l’ESCAP',
  'team.list': 'Affichage dans « Mes ESCAP »',
  'team.read': 'Consultation du dossier',
  'patient.update': 'Modification du dossier patient',
  'invitation.create': 'Invitation envoyée',
  'invitation.cancel': 'Invitation annulée',
  'invitation.accept': 'Invitation acceptée',
  'invitation.decline': 'Invitation refusée',
  'member.leave': 'Départ de l’équipe',
  'member.remove': 'Retrait d’un membre',
  'medecin_traitant.set': 'Changement de médecin traitant',
  'consent.withdraw': 'Retrait du consentement',
  'consent.record': 'Nouveau consentement',
  'team.renew': 'Renouvellement',
  'team.close': 'Clôture',
  'audit.read': 'Consultation du journal d’accès',
  'audit.export': 'Export du journal d’accès',
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
  'fhir.export': 'Export FHIR du dossier',
  'notification.list': 'Affichage dans les notifications',
  'patient_access.list': 'Consultation des accès du patient',
  'patient_access.grant': 'Accès du patient accordé',
  'patient_access.code_send': 'Code d’accès envoyé au patient',
  'patient_access.revoke': 'Accès du patient révoqué',
  'patient_access.open': 'Ouverture de l’accès du patient',
  'patient_view.read': 'Consultation par le patient',
};

/** Consultations (reads) and modifications (writes): the journal's filter. */
export type AuditKind = 'read' | 'write';
const WRITES: ReadonlySet<AuditAction> = new Set<AuditAction>([
  'team.create',
  'patient.update',
  'invitation.create',
  'invitation.cancel',
  'invitation.accept',
  'invitation.decline',
  'member.leave',
  'member.remove',
  'medecin_traitant.set',
  'consent.withdraw',
  'consent.record',
  'team.renew',
  'team.close',
  'note.edit',
  'note.version.create',
  'message.send',
  'task.create',
  'task.update',
  'task.complete',
  'task.reopen',
  'task.delete',
  'document.add',
  'document.remove',
  'document.quarantine',
  'file.add',
  'file.update',
  'file.remove',
  'plan.save',
  'event.record',
  'patient_access.grant',
  'patient_access.code_send',
  'patient_access.revoke',
]);
export const auditKind = (action: AuditAction): AuditKind =>
  WRITES.has(action) ? 'write' : 'read';
export const actionsOfKind = (kind: AuditKind): AuditAction[] =>
  AUDIT_ACTIONS.filter((a) => auditKind(a) === kind);
export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  read: 'Consultations',
  write: 'Modifications',
};

export const AUDIT_PAGE_SIZE = 50;

const objectId = z.string().regex(/^[a-f\d]{24}$/i);

/** `GET …/audit`: a page, newest first; `before` is the `next` of the previous page. */
export const auditQuerySchema = z.strictObject({
  before: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z_[a-f\d]{24}$/i)
    .optional(),
  actor: objectId.optional(),
  kind: z.enum(['read', 'write']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(AUDIT_PAGE_SIZE),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

/**
 * What counts as a professional's contribution to a team for the participation ledger: a note
 * editing session, a message, a task change, a document added. Each is counted once, for its author, in the
 * calendar year (Paris time) when it happened.
 */
export const CONTRIBUTION_KINDS = ['note', 'message', 'task', 'document'] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];

export const CONTRIBUTION_LABELS: Record<ContributionKind, string> = {
  note: 'Modification des notes',
  message: 'Message',
  task: 'Tâche',
  document: 'Document',
};

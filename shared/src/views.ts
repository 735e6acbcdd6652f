import type { AuditAction, AuditKind } from './audit.js';
import type { GridDefinition } from './grid/definition.js';
import type { Profession } from './professions.js';
import type { ActivationGap, TeamStatus } from './rules/activation.js';
import type { TeamAbilities } from './rules/policy.js';
import type { ClosureReason } from './schemas/teams.js';
import type { ConsentMethod, Contact, EligibilityCategory, Identity } from './schemas/patient.js';

/**
 * What the API answers for teams, invitations and audit. Dates are ISO strings.
 */
export interface ProfessionalRef {
  id: string;
  firstName: string;
  lastName: string;
  profession: Profession;
  /** The directory did not confirm their identity at sign-up: shown "non vérifié". */
  unverified?: boolean;
}

export interface MemberView {
  professional: ProfessionalRef;
  joinedAt: string;
  isCreator: boolean;
  isMedecinTraitant: boolean;
}

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';

export interface InvitationView {
  id: string;
  teamId: string;
  status: InvitationStatus;
  invitedBy: ProfessionalRef;
  /** A registered professional, or the e-mail of someone not registered yet. */
  invitee: { professional: ProfessionalRef } | { email: string };
  asMedecinTraitant: boolean;
  createdAt: string;
  expiresAt: string;
}

/** An invitation as its invitee sees it: no patient data before they join (CSP L.1110-4). */
export interface InboxInvitationView {
  id: string;
  teamId: string;
  invitedBy: ProfessionalRef;
  asMedecinTraitant: boolean;
  createdAt: string;
  expiresAt: string;
}

export interface InclusionView {
  category: EligibilityCategory;
  otherReason?: string | undefined;
  gridVersion: string;
  pregnant: boolean;
  /** Every factor's points (absent from inclusions recorded before the guided grid). */
  factors?: { factorId: string; levelId: string; points: number }[] | undefined;
  score: number;
  threshold: number;
  gridItems: number;
  recordedBy: ProfessionalRef;
  at: string;
}

export interface ConsentView {
  date: string;
  method: ConsentMethod;
  recordedBy: ProfessionalRef;
  recordedAt: string;
  withdrawnAt?: string | undefined;
  withdrawnBy?: ProfessionalRef | undefined;
}

export interface PatientView {
  identity: Identity;
  ins?: string | undefined;
  contact?: Contact | undefined;
}

export interface StatusEventView {
  status: TeamStatus;
  at: string;
}

/** A row of "Mes ESCAP". */
export interface TeamSummaryView {
  id: string;
  patientName: string;
  status: TeamStatus;
  termEndsAt?: string | undefined;
  memberCount: number;
  createdAt: string;
  /** Messages by others after my last read, up to CHAT_LIMITS.unreadCap. */
  unread: number;
  /** Open tasks, and those past their day (counts only: no titles in the list). */
  tasks: { open: number; overdue: number };
  /** What keeps it from being active (the next step), in the order of `activationGaps`. */
  gaps: ActivationGap[];
}

export interface TeamView {
  id: string;
  status: TeamStatus;
  gaps: ActivationGap[];
  readOnly: boolean;
  createdAt: string;
  createdBy: ProfessionalRef;
  medecinTraitant: { professional: ProfessionalRef } | { email: string } | null;
  termNumber: number;
  termStartedAt?: string | undefined;
  termEndsAt?: string | undefined;
  closure?:
    | { reason: ClosureReason; comment?: string | undefined; at: string; by: ProfessionalRef }
    | undefined;
  patient: PatientView;
  inclusions: InclusionView[];
  consent: ConsentView;
  members: MemberView[];
  invitations: InvitationView[];
  history: StatusEventView[];
  /** What the acting professional may do here: the server's policy, asked for every action. */
  can: TeamAbilities;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: ProfessionalRef;
  /**
   * Set when the patient, or the carer they designated, acted through their own access
   * (docs/patient-access.md): who, in words ("Accès du patient (Claire Martin)"). `actor` is
   * then no professional and is not shown.
   */
  byPatient?: string;
  code: AuditAction;
  kind: AuditKind;
  /** The action in French. */
  action: string;
  /** What it was about, in words ("Tâche « Pansement »"): never an id. */
  detail?: string | undefined;
}

/** A page of the journal; `next` asks for the following one. */
export interface AuditPageView {
  entries: AuditEntryView[];
  next?: string | undefined;
}

/** Created invitation; `link` only for e-mail invitations (single-use, shown once to the inviter). */
export interface CreatedInvitationView {
  invitation: InvitationView;
  link?: string | undefined;
}

export interface InvitationLinkView {
  status: InvitationStatus;
  invitedBy: ProfessionalRef;
  email: string;
  expiresAt: string;
}

/** Settings in force that users are shown (docs/domain.md: uncertain facts are settings). */
export interface SettingsView {
  /** The standard scale of the grid in force (without pregnancy). */
  eligibilityThreshold: number;
  gridItems: number;
  /** The inclusion grid in force, which the forms fill and score live. */
  grid: GridDefinition;
  invitationTtlDays: number;
  /** The patient's access codes can go by SMS: the server has an SMS gateway. */
  smsAvailable: boolean;
}

export interface NoteJoinView {
  /** Closed team or consent withdrawn: the document is served read-only. */
  readOnly: boolean;
  /** The server's sync step 2 (for the client) then step 1, y-protocols encoded. */
  messages: Uint8Array[];
}

/** Recent writing in a note, grouped per author and minute. */
export interface NoteActivityView {
  author: ProfessionalRef;
  at: string;
  /** The start of what was typed (plain text), deletions counted. */
  inserted: string;
  deleted: number;
}

export interface NoteVersionView {
  id: string;
  name: string;
  createdBy: ProfessionalRef;
  at: string;
}

/** A version with its Yjs state (base64), to open read-only and compare. */
export interface NoteVersionStateView extends NoteVersionView {
  state: string;
}

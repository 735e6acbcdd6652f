import { z } from 'zod';
import type { Inclusion, patientUpdateSchema } from '../../../../shared/src/schemas/patient.js';
import type {
  CreateTeam,
  closeTeamSchema,
  inviteSchema,
  recordConsentSchema,
} from '../../../../shared/src/schemas/teams.js';
import type { AuditKind } from '../../../../shared/src/audit.js';
import type {
  AuditPageView,
  CreatedInvitationView,
  InboxInvitationView,
  InvitationLinkView,
  ProfessionalRef,
  SettingsView,
  TeamSummaryView,
  TeamView,
} from '../../../../shared/src/views.js';
import { request } from '../../lib/api.js';

/*
 * The answers are typed by `shared/src/views.ts`, which has no schemas: the client checks
 * their outline (an object with the expected keys) and trusts the server for the rest.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function answer<T>(...keys: string[]): z.ZodType<T> {
  return z.custom<T>((value) => isRecord(value) && keys.every((key) => key in value));
}

function listOf<K extends string, T>(key: K): z.ZodType<Record<K, T[]>> {
  return z.custom<Record<K, T[]>>((value) => isRecord(value) && Array.isArray(value[key]));
}

const teamAnswer = z.custom<{ team: TeamView }>(
  (value) => isRecord(value) && isRecord(value.team) && typeof value.team.id === 'string',
);
const teamIdAnswer = answer<{ teamId: string }>('teamId');

const team = (id: string) => `/api/teams/${encodeURIComponent(id)}`;

// Settings and directory

export function getSettings(): Promise<SettingsView> {
  return request('GET', '/api/settings', {
    schema: answer<SettingsView>('eligibilityThreshold', 'gridItems', 'grid'),
  });
}

export function findProfessionalByRpps(rpps: string): Promise<ProfessionalRef> {
  return request('GET', `/api/professionals/by-rpps/${encodeURIComponent(rpps)}`, {
    schema: answer<ProfessionalRef>('id', 'firstName', 'lastName', 'profession'),
  });
}

// Teams

export async function listTeams(): Promise<TeamSummaryView[]> {
  const { teams } = await request('GET', '/api/teams', {
    schema: listOf<'teams', TeamSummaryView>('teams'),
  });
  return teams;
}

export function createTeam(body: CreateTeam): Promise<{ team: TeamView; link?: string }> {
  return request('POST', '/api/teams', {
    body,
    schema: z.custom<{ team: TeamView; link?: string }>(
      (value) => isRecord(value) && isRecord(value.team) && typeof value.team.id === 'string',
    ),
  });
}

export async function getTeam(id: string): Promise<TeamView> {
  return (await request('GET', team(id), { schema: teamAnswer })).team;
}

export async function updatePatient(
  id: string,
  body: z.output<typeof patientUpdateSchema>,
): Promise<TeamView> {
  return (await request('PATCH', `${team(id)}/patient`, { body, schema: teamAnswer })).team;
}

export function invite(
  id: string,
  body: z.output<typeof inviteSchema>,
): Promise<CreatedInvitationView> {
  return request('POST', `${team(id)}/invitations`, {
    body,
    schema: answer<CreatedInvitationView>('invitation'),
  });
}

export async function cancelInvitation(id: string, invitationId: string): Promise<TeamView> {
  const path = `${team(id)}/invitations/${encodeURIComponent(invitationId)}/cancel`;
  return (await request('POST', path, { schema: teamAnswer })).team;
}

export function leaveTeam(id: string): Promise<void> {
  return request('POST', `${team(id)}/leave`);
}

export async function removeMember(id: string, professionalId: string): Promise<TeamView> {
  const path = `${team(id)}/members/${encodeURIComponent(professionalId)}/remove`;
  return (await request('POST', path, { schema: teamAnswer })).team;
}

export async function setMedecinTraitant(id: string, professionalId: string): Promise<TeamView> {
  return (
    await request('POST', `${team(id)}/medecin-traitant`, {
      body: { professionalId },
      schema: teamAnswer,
    })
  ).team;
}

export async function withdrawConsent(id: string): Promise<TeamView> {
  return (await request('POST', `${team(id)}/consent/withdraw`, { body: {}, schema: teamAnswer }))
    .team;
}

export async function recordConsent(
  id: string,
  body: z.output<typeof recordConsentSchema>,
): Promise<TeamView> {
  return (await request('POST', `${team(id)}/consent`, { body, schema: teamAnswer })).team;
}

export async function renewTeam(id: string, inclusion: Inclusion): Promise<TeamView> {
  return (await request('POST', `${team(id)}/renew`, { body: { inclusion }, schema: teamAnswer }))
    .team;
}

export async function closeTeam(
  id: string,
  body: z.output<typeof closeTeamSchema>,
): Promise<TeamView> {
  return (await request('POST', `${team(id)}/close`, { body, schema: teamAnswer })).team;
}

export interface AuditFilter {
  actor?: string | undefined;
  kind?: AuditKind | undefined;
}

const auditParams = (filter: AuditFilter, before?: string) => {
  const params = new URLSearchParams();
  if (filter.actor) params.set('actor', filter.actor);
  if (filter.kind) params.set('kind', filter.kind);
  if (before) params.set('before', before);
  const query = params.toString();
  return query ? `?${query}` : '';
};

/** A page of the journal, newest first; `before` is the previous page's `next`. */
export function getAudit(id: string, filter: AuditFilter, before?: string): Promise<AuditPageView> {
  return request('GET', `${team(id)}/audit${auditParams(filter, before)}`, {
    schema: z.custom<AuditPageView>((v) => isRecord(v) && Array.isArray(v.entries)),
  });
}

export function auditExportUrl(id: string, filter: AuditFilter = {}): string {
  return `${team(id)}/audit/export${auditParams(filter)}`;
}

/** The team's file as a FHIR R4 Bundle (docs/fhir.md), for its managers; audited. */
export function fhirExportUrl(id: string): string {
  return `${team(id)}/fhir`;
}

// Invitations

export async function listInvitations(): Promise<InboxInvitationView[]> {
  const { invitations } = await request('GET', '/api/invitations', {
    schema: listOf<'invitations', InboxInvitationView>('invitations'),
  });
  return invitations;
}

export async function acceptInvitation(invitationId: string): Promise<string> {
  const path = `/api/invitations/${encodeURIComponent(invitationId)}/accept`;
  return (await request('POST', path, { schema: teamIdAnswer })).teamId;
}

export function declineInvitation(invitationId: string): Promise<void> {
  return request('POST', `/api/invitations/${encodeURIComponent(invitationId)}/decline`);
}

export function getInvitationLink(token: string): Promise<InvitationLinkView> {
  return request('GET', `/api/invitations/link/${encodeURIComponent(token)}`, {
    schema: answer<InvitationLinkView>('status', 'invitedBy', 'expiresAt'),
  });
}

/** `code`: the one-time code sent to the invited address (an account of another address). */
export async function claimInvitation(token: string, code?: string): Promise<string> {
  return (
    await request('POST', '/api/invitations/claim', {
      body: code ? { token, code } : { token },
      schema: teamIdAnswer,
    })
  ).teamId;
}

/** Sends a one-time code to the address the invitation was sent to. */
export function requestInvitationCode(token: string): Promise<void> {
  return request('POST', '/api/invitations/code', { body: { token } });
}

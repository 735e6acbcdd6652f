import { z } from 'zod';
import type {
  CreateGrant,
  PatientGrantView,
  PatientView,
} from '../../../../shared/src/patient-access.js';
import { request } from '../../lib/api.js';

/*
 * The patient's own view (docs/patient-access.md), over HTTP. The team side is in the team
 * scope (a member's session); the patient side has its own cookie, set by the server.
 * Answers are typed by shared/patient-access.ts.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const base = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/patient-access`;
const ofGrant = (teamId: string, grantId: string) =>
  `${base(teamId)}/${encodeURIComponent(grantId)}`;

const isGrant = (v: unknown) => isRecord(v) && typeof v.id === 'string';
const grantsAnswer = z.custom<{ grants: PatientGrantView[] }>(
  (v) => isRecord(v) && Array.isArray(v.grants) && v.grants.every(isGrant),
);
const grantAnswer = z.custom<{ grant: PatientGrantView }>((v) => isRecord(v) && isGrant(v.grant));
const codeAnswer = z.custom<{ expiresAt: string }>(
  (v) => isRecord(v) && typeof v.expiresAt === 'string',
);
const viewAnswer = z.custom<{ view: PatientView }>(
  (v) =>
    isRecord(v) &&
    isRecord(v.view) &&
    Array.isArray(v.view.members) &&
    Array.isArray(v.view.journal),
);

// Team side

export async function listGrants(teamId: string): Promise<PatientGrantView[]> {
  return (await request('GET', base(teamId), { schema: grantsAnswer })).grants;
}

export async function createGrant(teamId: string, body: CreateGrant): Promise<PatientGrantView> {
  return (await request('POST', base(teamId), { body, schema: grantAnswer })).grant;
}

/** Mails a new code to the grant's address (the code is never answered to the member). */
export async function sendCode(teamId: string, grantId: string): Promise<{ expiresAt: string }> {
  return request('POST', `${ofGrant(teamId, grantId)}/code`, { schema: codeAnswer });
}

export async function revokeGrant(teamId: string, grantId: string): Promise<PatientGrantView> {
  return (await request('POST', `${ofGrant(teamId, grantId)}/revoke`, { schema: grantAnswer }))
    .grant;
}

// Patient side

export async function openPatientSession(address: string, code: string): Promise<void> {
  await request('POST', '/api/patient/session', { body: { address, code } });
}

export async function closePatientSession(): Promise<void> {
  await request('DELETE', '/api/patient/session');
}

export async function getPatientView(): Promise<PatientView> {
  return (await request('GET', '/api/patient/view', { schema: viewAnswer })).view;
}

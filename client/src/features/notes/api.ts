import { z } from 'zod';
import type { NoteAddress } from '../../../../shared/src/notes.js';
import type {
  NoteActivityView,
  NoteVersionStateView,
  NoteVersionView,
} from '../../../../shared/src/views.js';
import { request } from '../../lib/api.js';

/*
 * The history around a note (HTTP). As for teams, the answers are typed by
 * `shared/src/views.ts` and only their outline is checked here.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const base = ({ teamId, doc }: NoteAddress) =>
  `/api/teams/${encodeURIComponent(teamId)}/notes/${encodeURIComponent(doc)}`;

const activityAnswer = z.custom<{ activity: NoteActivityView[] }>(
  (v) => isRecord(v) && Array.isArray(v.activity),
);
const versionsAnswer = z.custom<{ versions: NoteVersionView[] }>(
  (v) => isRecord(v) && Array.isArray(v.versions),
);
const versionAnswer = z.custom<{ version: NoteVersionView }>(
  (v) => isRecord(v) && isRecord(v.version) && typeof v.version.id === 'string',
);
const versionStateAnswer = z.custom<{ version: NoteVersionStateView }>(
  (v) => isRecord(v) && isRecord(v.version) && typeof v.version.state === 'string',
);

export async function getActivity(address: NoteAddress): Promise<NoteActivityView[]> {
  return (await request('GET', `${base(address)}/activity`, { schema: activityAnswer })).activity;
}

export async function listVersions(address: NoteAddress): Promise<NoteVersionView[]> {
  return (await request('GET', `${base(address)}/versions`, { schema: versionsAnswer })).versions;
}

export async function createVersion(address: NoteAddress, name: string): Promise<NoteVersionView> {
  return (
    await request('POST', `${base(address)}/versions`, { body: { name }, schema: versionAnswer })
  ).version;
}

export async function getVersion(
  address: NoteAddress,
  versionId: string,
): Promise<NoteVersionStateView> {
  const path = `${base(address)}/versions/${encodeURIComponent(versionId)}`;
  return (await request('GET', path, { schema: versionStateAnswer })).version;
}

/** The version's Yjs state, sent as base64. */
export function decodeState(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

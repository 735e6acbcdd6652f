import { z } from 'zod';
import type { FileEntryView, FilePart } from '../../../../shared/src/patient-file.js';
import { request } from '../../lib/api.js';

/* The structured file of a team (HTTP). Answers are typed by shared/patient-file.ts. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const base = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/file/entries`;
const one = (teamId: string, id: string) => `${base(teamId)}/${encodeURIComponent(id)}`;

const listAnswer = z.custom<{ entries: FileEntryView[] }>(
  (v) => isRecord(v) && Array.isArray(v.entries),
);
const entryAnswer = z.custom<{ entry: FileEntryView }>(
  (v) => isRecord(v) && isRecord(v.entry) && typeof v.entry.id === 'string',
);

export async function listEntries(teamId: string): Promise<FileEntryView[]> {
  return (await request('GET', base(teamId), { schema: listAnswer })).entries;
}

export async function addEntry(
  teamId: string,
  part: FilePart,
  fields: Record<string, unknown>,
): Promise<FileEntryView> {
  return (await request('POST', base(teamId), { body: { part, fields }, schema: entryAnswer }))
    .entry;
}

export async function updateEntry(
  teamId: string,
  entry: FileEntryView,
  fields: Record<string, unknown>,
): Promise<FileEntryView> {
  return (
    await request('PATCH', one(teamId, entry.id), {
      body: { version: entry.version, fields },
      schema: entryAnswer,
    })
  ).entry;
}

export function removeEntry(teamId: string, entry: FileEntryView): Promise<void> {
  return request('DELETE', `${one(teamId, entry.id)}?version=${entry.version}`);
}

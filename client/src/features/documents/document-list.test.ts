import { describe, expect, it } from 'vitest';
import type { DocumentView } from '../../../../shared/src/documents.js';
import { applyChange, sortDocuments } from './document-list.svelte.js';

const doc = (id: string, date: string, addedAt: string): DocumentView => ({
  id,
  teamId: 't',
  title: id,
  kind: 'autre',
  date,
  fileName: `${id}.pdf`,
  mime: 'application/pdf',
  size: 10,
  width: null,
  height: null,
  hasThumbnail: false,
  addedBy: { id: 'p', firstName: 'A', lastName: 'B', profession: 'medecin' },
  addedAt,
});

describe('document list', () => {
  it('keeps the newest day first, then the newest added', () => {
    const a = doc('a', '2026-01-02', '2026-01-05T10:00:00Z');
    const b = doc('b', '2026-01-03', '2026-01-04T10:00:00Z');
    const c = doc('c', '2026-01-02', '2026-01-06T10:00:00Z');
    expect(sortDocuments([a, b, c]).map((d) => d.id)).toEqual(['b', 'c', 'a']);
  });

  it('adds a live document once and removes a removed one', () => {
    const a = doc('a', '2026-01-02', '2026-01-05T10:00:00Z');
    const b = doc('b', '2026-01-03', '2026-01-04T10:00:00Z');
    const once = applyChange([a], { teamId: 't', document: b });
    expect(applyChange(once, { teamId: 't', document: b }).map((d) => d.id)).toEqual(['b', 'a']);
    expect(applyChange(once, { teamId: 't', removedId: 'a' }).map((d) => d.id)).toEqual(['b']);
  });
});

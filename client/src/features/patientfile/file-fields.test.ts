import { describe, expect, it } from 'vitest';
import type { FileEntryView } from '../../../../shared/src/patient-file.js';
import {
  applyFileChange,
  checkFields,
  emptyValues,
  entryDetails,
  entryTitle,
  fieldsInput,
  valuesOf,
} from './file-fields.js';

const ref = { id: 'a', firstName: 'Anne', lastName: 'Roux', profession: 'medecin' as const };
const entry = (over: Partial<FileEntryView>): FileEntryView => ({
  id: 'e1',
  teamId: 't1',
  part: 'carer',
  fields: { name: 'Paul Martin', role: 'Fils', phone: '06 12 34 56 78', mayCall: true },
  createdBy: ref,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedBy: ref,
  updatedAt: '2026-01-05T10:00:00.000Z',
  version: 0,
  ...over,
});

describe('file entry forms', () => {
  it('sends what is typed, leaving out blank optional fields', () => {
    const values = { ...emptyValues('treatment'), name: 'Metformine', dosage: '  ' };
    expect(fieldsInput('treatment', values)).toEqual({ name: 'Metformine' });
    expect(fieldsInput('carer', { ...emptyValues('carer'), name: 'Paul', role: 'Fils' })).toEqual({
      name: 'Paul',
      role: 'Fils',
      mayCall: false,
    });
  });

  it('names each invalid field with the shared messages', () => {
    expect(checkFields('treatment', emptyValues('treatment'))).toEqual({
      name: 'Le médicament est obligatoire.',
    });
    expect(checkFields('allergy', { ...emptyValues('allergy'), substance: 'Latex' })).toEqual({
      kind: 'Choisissez allergie ou intolérance.',
    });
    expect(
      checkFields('carer', { ...emptyValues('carer'), name: 'P', role: 'F', phone: 'abc' }),
    ).toEqual({ phone: "Le numéro de téléphone n'est pas valide." });
  });

  it('edits an entry from its values', () => {
    expect(valuesOf(entry({}))).toEqual({
      name: 'Paul Martin',
      role: 'Fils',
      phone: '06 12 34 56 78',
      mayCall: true,
      note: '',
    });
  });

  it('says what an entry is in one line, then its details', () => {
    expect(entryTitle(entry({}))).toBe('Paul Martin — Fils');
    expect(entryDetails(entry({}))).toEqual(['Tél. 06 12 34 56 78', 'Peut être appelé(e)']);
    expect(
      entryTitle(entry({ part: 'allergy', fields: { substance: 'Latex', kind: 'intolerance' } })),
    ).toBe('Latex — Intolérance');
  });

  it('applies live changes, keeping the newer version', () => {
    const v1 = entry({ version: 1, fields: { name: 'A', role: 'B', mayCall: false } });
    expect(applyFileChange([v1], { teamId: 't1', entry: entry({}) })).toEqual([v1]);
    expect(applyFileChange([entry({})], { teamId: 't1', entry: v1 })).toEqual([v1]);
    expect(applyFileChange([v1], { teamId: 't1', deletedId: 'e1' })).toEqual([]);
    expect(applyFileChange([], { teamId: 't1', entry: v1 })).toEqual([v1]);
  });
});

import { describe, expect, it } from 'vitest';
import { AUDIT_LABELS } from './audit.js';
import { CONTRIBUTION_LABELS } from './contributions.js';
import { DOCUMENT_KIND_LABELS } from './documents.js';
import { ERRORS } from './errors.js';
import { AMOUNT_LABELS, formatEuros, LEDGER_REASON_WORDS, STATEMENT } from './glossary.js';
import { NOTE_DOC_LABELS } from './notes.js';
import { PROFESSION_LABELS } from './professions.js';
import { gapLabel, STATUS_LABELS } from './rules/activation.js';
import {
  CONSENT_LABELS,
  ELIGIBILITY_LABELS,
  identitySchema,
  SEX_LABELS,
} from './schemas/patient.js';
import { CLOSURE_LABELS } from './schemas/teams.js';

describe('the French glossary', () => {
  it('writes the typographic apostrophe everywhere users read', () => {
    const texts = [
      ...Object.values(ERRORS).map((e) => e.message),
      ...Object.values(AUDIT_LABELS),
      ...Object.values(LEDGER_REASON_WORDS.self),
      ...Object.values(LEDGER_REASON_WORDS.third),
      ...Object.values(PROFESSION_LABELS),
      ...Object.values(CLOSURE_LABELS),
      ...Object.values(ELIGIBILITY_LABELS),
      ...Object.values(CONSENT_LABELS),
      ...Object.values(SEX_LABELS),
      ...Object.values(STATUS_LABELS),
      ...Object.values(CONTRIBUTION_LABELS),
      ...Object.values(DOCUMENT_KIND_LABELS),
      ...Object.values(NOTE_DOC_LABELS),
      ...(['closed', 'members', 'medecin_traitant', 'consent', 'term_ended'] as const).map((g) =>
        gapLabel(g, 1),
      ),
    ];
    expect(texts.filter((t) => t.includes("'"))).toEqual([]);
  });

  it('agrees in number: "Les prénoms sont obligatoires."', () => {
    const result = identitySchema.shape.firstNames.safeParse('');
    expect(result.error?.issues[0]?.message).toBe('Les prénoms sont obligatoires.');
  });

  it('has one name for the statement and its amounts, and writes amounts in €', () => {
    expect(STATEMENT.name).toBe('Attestation annuelle de participation');
    expect(AMOUNT_LABELS.bonus).toBe('Complément');
    expect(formatEuros(1250)).toBe('1\u00a0250\u00a0€');
    expect(formatEuros(12.5)).toBe('12,50\u00a0€');
  });

  it('speaks of the professional, not to them, on what a third party reads', () => {
    expect(Object.values(LEDGER_REASON_WORDS.third).join(' ')).not.toMatch(/\bvotre\b|\bvous\b/i);
  });
});

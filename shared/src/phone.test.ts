import { describe, expect, it } from 'vitest';
import { formatMobile, looksLikePhone, normaliseMobile } from './phone.js';

describe('French mobile numbers', () => {
  it('are normalised to E.164 from every usual form, 06 and 07 alike', () => {
    for (const typed of [
      '06 12 34 56 78',
      '0612345678',
      '06.12.34.56.78',
      '06-12-34-56-78',
      ' 06\u00a012\u00a034\u00a056\u00a078 ',
      '+33 6 12 34 56 78',
      '+33612345678',
      '+33 (0)6 12 34 56 78',
      '0033 6 12 34 56 78',
      '0033612345678',
    ])
      expect(normaliseMobile(typed), typed).toBe('+33612345678');
    expect(normaliseMobile('07 98 76 54 32')).toBe('+33798765432');
    expect(normaliseMobile('+33 7 98 76 54 32')).toBe('+33798765432');
  });

  it('refuse landlines, other countries, wrong lengths and letters', () => {
    for (const typed of [
      '',
      '01 23 45 67 89',
      '09 12 34 56 78',
      '+33 1 23 45 67 89',
      '06 12 34 56 7',
      '06 12 34 56 789',
      '+44 7911 123456',
      '+32 470 12 34 56',
      '6 12 34 56 78',
      '33 6 12 34 56 78',
      '06 12 34 56 7a',
      '+336 12 34 56 78 90',
      'patient@example.org',
      '0'.repeat(50),
    ])
      expect(normaliseMobile(typed), typed).toBeNull();
  });

  it('are shown as French people write them', () => {
    expect(formatMobile('+33612345678')).toBe('06 12 34 56 78');
    expect(formatMobile('+33798765432')).toBe('07 98 76 54 32');
    expect(formatMobile('a@b.fr')).toBe('a@b.fr');
  });

  it('are told apart from e-mail addresses by what was typed', () => {
    expect(looksLikePhone('06 12 34 56 78')).toBe(true);
    expect(looksLikePhone('+33 (0)6 12 34 56 78')).toBe(true);
    expect(looksLikePhone('06 12 34')).toBe(true);
    expect(looksLikePhone('marie@example.org')).toBe(false);
    expect(looksLikePhone('0612345678@example.org')).toBe(false);
    expect(looksLikePhone('marie')).toBe(false);
  });
});

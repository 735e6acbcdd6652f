import { describe, expect, it } from 'vitest';
import { filenameFrom } from './download.js';

describe('filenameFrom', () => {
  it('reads the quoted and bare forms', () => {
    expect(filenameFrom('attachment; filename="releve-escap-2026-AB12.pdf"')).toBe(
      'releve-escap-2026-AB12.pdf',
    );
    expect(filenameFrom('attachment; filename=journal.csv')).toBe('journal.csv');
  });

  it('prefers the UTF-8 form when both are given', () => {
    expect(
      filenameFrom(`attachment; filename="releve.pdf"; filename*=UTF-8''relev%C3%A9.pdf`),
    ).toBe('relevé.pdf');
    expect(filenameFrom(`attachment; filename="ok.pdf"; filename*=UTF-8''%E0%A4%A`)).toBe('ok.pdf');
  });

  it('never lets a name choose a folder, and has none without a header', () => {
    expect(filenameFrom('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFrom('attachment')).toBeUndefined();
    expect(filenameFrom(null)).toBeUndefined();
  });
});

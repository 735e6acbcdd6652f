import { describe, expect, it } from 'vitest';
import { judgePassword } from './password.js';

describe('password policy', () => {
  it.each([
    'aaaaaaaaaaaa',
    'password1234',
    '            ',
    'azertyuiop12',
    '123456789012',
    'motdepasse12',
  ])('refuses %j, in French', async (password) => {
    const verdict = await judgePassword(password);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(
      /^(Ce mot de passe est trop facile à deviner\.|Le mot de passe)/,
    );
  });

  it('refuses short passwords before estimating', async () => {
    expect((await judgePassword('Zq9!x')).message).toBe(
      'Le mot de passe doit comporter au moins 12 caractères.',
    );
  });

  it("refuses the account's own words", async () => {
    expect(
      (await judgePassword('camillelefevre', ['Camille', 'Lefèvre', 'camille@exemple.fr'])).ok,
    ).toBe(false);
  });

  it('accepts long passphrases', async () => {
    expect((await judgePassword('un mot de passe solide')).ok).toBe(true);
    expect((await judgePassword('cheval agrafe batterie correcte')).ok).toBe(true);
  });
});

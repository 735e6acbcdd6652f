import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { LIMITS } from './limits.js';

/**
 * The password policy (docs/identity.md, "Passwords"): at least `LIMITS.passwordMin`
 * characters, and a strength estimate by zxcvbn-ts (French and common dictionaries, keyboard
 * patterns, repetitions, sequences, dates) of at least `MIN_SCORE`: about 10^8 guesses, beyond
 * an online attack and costly offline against argon2id. The account's own name, e-mail and
 * RPPS count as dictionary words. Messages are French (zxcvbn-ts's French translations).
 */
export const MIN_SCORE = 3;

let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * Loaded and built on first use, not at start: the dictionaries take a fifth of a second to
 * load and about 25 MB of resident memory, for the few requests that set a password.
 */
function zxcvbn(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-fr'),
  ]).then(
    ([{ ZxcvbnFactory }, common, fr]) =>
      new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...fr.dictionary },
        graphs: common.adjacencyGraphs,
        translations: fr.translations,
      }),
  );
  return estimator;
}

export interface PasswordVerdict {
  ok: boolean;
  /** Why it is refused, in French; empty when accepted. */
  message: string;
}

/** Judges a new password; `userInputs` are the account's own words (names, e-mail, RPPS). */
export async function judgePassword(
  password: string,
  userInputs: string[] = [],
): Promise<PasswordVerdict> {
  if ([...password].length < LIMITS.passwordMin) {
    return {
      ok: false,
      message: `Le mot de passe doit comporter au moins ${LIMITS.passwordMin} caractères.`,
    };
  }
  if (password.trim() === '') {
    return { ok: false, message: 'Le mot de passe ne peut pas être fait que d’espaces.' };
  }
  // zxcvbn's cost grows with length; past 100 characters a password is long enough by itself.
  const result = (await zxcvbn()).check(password.slice(0, 100), userInputs.filter(Boolean));
  if (result.score >= MIN_SCORE) return { ok: true, message: '' };
  const advice = [result.feedback.warning, ...result.feedback.suggestions]
    .filter((s): s is string => Boolean(s))
    .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`));
  return {
    ok: false,
    message: ['Ce mot de passe est trop facile à deviner.', ...advice].join(' '),
  };
}

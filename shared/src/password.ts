import { ZxcvbnFactory, type OptionsType } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';
import { LIMITS } from './limits.js';

/**
 * The password policy (docs/identity.md, "Passwords"): at least `LIMITS.passwordMin`
 * characters, and a strength estimate by zxcvbn-ts (French and common dictionaries, keyboard
 * patterns, repetitions, sequences, dates) of at least `MIN_SCORE`: about 10^8 guesses, beyond
 * an online attack and costly offline against argon2id. The account's own name, e-mail and
 * RPPS count as dictionary words. Messages are French (zxcvbn-ts's French translations).
 */
export const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  const options: OptionsType = {
    dictionary: { ...common.dictionary, ...fr.dictionary },
    graphs: common.adjacencyGraphs,
    translations: fr.translations,
  };
  // Built on first use: loading the dictionaries takes a fifth of a second.
  estimator ??= new ZxcvbnFactory(options);
  return estimator;
}

export interface PasswordVerdict {
  ok: boolean;
  /** Why it is refused, in French; empty when accepted. */
  message: string;
}

/** Judges a new password; `userInputs` are the account's own words (names, e-mail, RPPS). */
export function judgePassword(password: string, userInputs: string[] = []): PasswordVerdict {
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
  const result = zxcvbn().check(password.slice(0, 100), userInputs.filter(Boolean));
  if (result.score >= MIN_SCORE) return { ok: true, message: '' };
  const advice = [result.feedback.warning, ...result.feedback.suggestions]
    .filter((s): s is string => Boolean(s))
    .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`));
  return {
    ok: false,
    message: ['Ce mot de passe est trop facile à deviner.', ...advice].join(' '),
  };
}

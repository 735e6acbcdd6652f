import { CODE_TTL_MS } from '../../../shared/src/rules/patient-access.js';
import type { Mail } from '../notifications/mailer.js';
import type { Sms } from '../notifications/sms.js';

/**
 * The code's e-mail: the code and where to type it, nothing else. No team, no patient's name,
 * no health data: an e-mail may be read by someone else than its addressee.
 */
export function patientCodeMail(to: string, code: string, baseUrl: string | undefined): Mail {
  return {
    to,
    subject: 'ESCAP : votre code d’accès',
    text: [
      'Bonjour,',
      '',
      `Votre code d’accès : ${code}`,
      '',
      `Il est valable ${CODE_TTL_MS / 60_000} minutes et ne sert qu’une fois.`,
      `Saisissez-le avec cette adresse e-mail sur ${baseUrl ?? 'ESCAP'}/patient.`,
      '',
      'Ce message ne contient aucune donnée de santé. Si vous n’attendiez pas ce code,',
      'ignorez-le et ne le communiquez à personne.',
    ].join('\n'),
  };
}

/** The code's SMS: the code, its life and where to type it, nothing else (as the e-mail). */
export function patientCodeSms(to: string, code: string, baseUrl: string | undefined): Sms {
  const spaced = `${code.slice(0, 4)} ${code.slice(4)}`;
  return {
    to,
    text: `ESCAP : votre code d’accès est ${spaced}. Valable ${CODE_TTL_MS / 60_000} minutes, une seule fois, sur ${baseUrl ?? 'ESCAP'}/patient. Ne le communiquez à personne.`,
  };
}

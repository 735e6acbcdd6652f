import { CODE_TTL_MS } from '../../../shared/src/rules/patient-access.js';
import type { Mail } from '../notifications/mailer.js';

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

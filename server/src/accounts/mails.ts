import type { ProfessionalDoc } from '../auth/model.js';
import type { Mail } from '../notifications/mailer.js';

/** Account mails: French, a link and what it is for, no health data, no RPPS. */

const FOOTER = [
  '',
  'Ce message ne contient aucune donnée de santé. Si vous n’êtes pas à l’origine de cette',
  'demande, ignorez-le : rien ne change sans ce lien.',
];

export function verificationMail(to: ProfessionalDoc, baseUrl: string, token: string): Mail {
  return {
    to: to.email,
    subject: 'ESCAP : confirmez votre adresse e-mail',
    text: [
      `Bonjour ${to.firstName} ${to.lastName},`,
      '',
      'Pour confirmer que cette adresse est bien la vôtre, ouvrez ce lien (valable 24 heures) :',
      `${baseUrl}/email/confirmation/${token}`,
      ...FOOTER,
    ].join('\n'),
  };
}

export function passwordResetMail(to: ProfessionalDoc, baseUrl: string, token: string): Mail {
  return {
    to: to.email,
    subject: 'ESCAP : choisir un nouveau mot de passe',
    text: [
      `Bonjour ${to.firstName} ${to.lastName},`,
      '',
      'Pour choisir un nouveau mot de passe, ouvrez ce lien (valable 30 minutes, une seule fois) :',
      `${baseUrl}/mot-de-passe/nouveau/${token}`,
      '',
      'Une fois le mot de passe changé, toutes vos sessions ouvertes seront fermées.',
      ...FOOTER,
    ].join('\n'),
  };
}

export function invitationCodeMail(email: string, code: string): Mail {
  return {
    to: email,
    subject: 'ESCAP : votre code pour rejoindre une équipe',
    text: [
      'Bonjour,',
      '',
      'Une invitation à rejoindre une équipe de soins coordonnés (ESCAP) a été adressée à cette',
      'adresse. Pour l’accepter depuis votre compte, saisissez ce code (valable 15 minutes) :',
      '',
      `    ${code}`,
      ...FOOTER,
    ].join('\n'),
  };
}

export function invitationLinkMail(email: string, inviter: string, link: string): Mail {
  return {
    to: email,
    subject: 'ESCAP : invitation à rejoindre une équipe de soins',
    text: [
      'Bonjour,',
      '',
      `${inviter} vous invite à rejoindre une équipe de soins coordonnés avec le patient (ESCAP).`,
      'Pour voir l’invitation et y répondre, ouvrez ce lien :',
      link,
      '',
      'L’invitation est personnelle : elle ne peut être acceptée que depuis un compte dont',
      'l’adresse e-mail confirmée est celle-ci, ou avec un code envoyé à cette adresse.',
      ...FOOTER,
    ].join('\n'),
  };
}

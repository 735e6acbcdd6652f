/**
 * Every error the API can answer, in one table: its HTTP status and the French message users
 * read. The server answers `{ error: { code, message, field? } }` with the status of its code;
 * the client shows the message of the code, so both sides always agree on the wording. A throw
 * site names the code only (server/src/http/errors.ts).
 */
export const ERRORS = {
  validation_failed: { status: 400, message: 'Certaines informations sont invalides.' },
  invalid_json: { status: 400, message: 'La requête est mal formée.' },
  payload_too_large: { status: 413, message: 'La requête est trop volumineuse.' },
  unsupported_media_type: { status: 415, message: 'Format de requête non pris en charge.' },
  csrf_invalid: {
    status: 403,
    message: 'Votre session de formulaire a expiré. Veuillez réessayer.',
  },
  unauthenticated: { status: 401, message: 'Veuillez vous connecter.' },
  patient_code_invalid: { status: 401, message: 'Code invalide ou expiré.' },
  patient_session_ended: {
    status: 401,
    message: 'Votre accès a pris fin. Demandez un nouveau code à l’équipe.',
  },
  grant_not_found: { status: 404, message: 'Cet accès du patient n’existe pas.' },
  grant_revoked: { status: 409, message: 'Cet accès du patient a été révoqué.' },
  sms_unavailable: {
    status: 503,
    message:
      'L’envoi des codes par SMS n’est pas disponible sur ce serveur : choisissez l’envoi par e-mail.',
  },
  invalid_credentials: { status: 401, message: 'Identifiant ou mot de passe incorrect.' },
  too_many_attempts: {
    status: 429,
    message: 'Trop de tentatives. Réessayez dans quelques minutes.',
  },
  rate_limited: {
    status: 429,
    message: 'Trop de demandes en peu de temps. Patientez quelques secondes puis réessayez.',
  },
  rpps_taken: { status: 409, message: 'Un compte existe déjà avec ce numéro RPPS.' },
  email_taken: { status: 409, message: 'Un compte existe déjà avec cette adresse e-mail.' },
  weak_password: { status: 400, message: 'Ce mot de passe est trop facile à deviner.' },
  token_invalid: {
    status: 410,
    message: 'Ce lien n’est plus valable : il a déjà servi ou a expiré. Demandez-en un nouveau.',
  },
  rpps_not_in_directory: {
    status: 422,
    message: 'Ce numéro RPPS ne figure pas dans l’annuaire santé.',
  },
  directory_mismatch: {
    status: 422,
    message:
      'Le nom, le prénom ou la profession ne correspondent pas à ceux que l’annuaire santé indique pour ce numéro RPPS.',
  },
  not_a_listed_physician: {
    status: 400,
    message: 'L’annuaire santé ne recense pas ce professionnel comme médecin.',
  },
  invitation_code_required: {
    status: 403,
    message:
      'Cette invitation a été adressée à une autre adresse e-mail que celle de votre compte : saisissez le code envoyé à cette adresse.',
  },
  invitation_code_invalid: {
    status: 403,
    message: 'Ce code n’est pas le bon, ou il a expiré. Demandez un nouveau code.',
  },
  psc_unavailable: {
    status: 503,
    message: 'Pro Santé Connect est momentanément indisponible. Réessayez plus tard.',
  },
  psc_failed: {
    status: 400,
    message: 'La connexion avec Pro Santé Connect n’a pas abouti. Veuillez recommencer.',
  },
  psc_profession_unsupported: {
    status: 403,
    message: 'Votre profession, d’après Pro Santé Connect, ne fait pas partie de celles des ESCAP.',
  },
  not_found: { status: 404, message: 'Ressource introuvable.' },
  forbidden: {
    status: 403,
    message: 'Vous n’avez pas le droit de faire cette action dans cette ESCAP.',
  },
  team_closed: {
    status: 409,
    message: 'Cette ESCAP est clôturée : son dossier n’est plus consultable qu’en lecture.',
  },
  read_only: {
    status: 409,
    message: 'Le consentement du patient a été retiré : le dossier est en lecture seule.',
  },
  professional_not_found: {
    status: 404,
    message: 'Aucun professionnel inscrit ne porte ce numéro RPPS.',
  },
  not_a_physician: { status: 400, message: 'Le médecin traitant doit être un médecin.' },
  already_member: { status: 409, message: 'Ce professionnel fait déjà partie de l’équipe.' },
  already_invited: {
    status: 409,
    message: 'Ce professionnel a déjà une invitation en attente pour cette ESCAP.',
  },
  invitation_expired: { status: 410, message: 'Cette invitation a expiré.' },
  invitation_used: { status: 409, message: 'Cette invitation a déjà été utilisée ou annulée.' },
  score_below_threshold: {
    status: 422,
    message: 'Le score d’inclusion est inférieur au seuil en vigueur.',
  },
  grid_incomplete: {
    status: 422,
    message: 'Cotez chaque facteur de la grille d’inclusion avec un niveau proposé.',
  },
  grid_outdated: {
    status: 409,
    message:
      'La grille d’inclusion a changé entre-temps : rechargez la page et cotez-la à nouveau.',
  },
  consent_in_force: { status: 409, message: 'Le consentement du patient est déjà en vigueur.' },
  not_member: { status: 400, message: 'Ce professionnel ne fait pas partie de l’équipe.' },
  update_too_large: {
    status: 413,
    message: 'Cette modification est trop volumineuse pour être enregistrée.',
  },
  document_too_large: { status: 413, message: 'Le document a atteint sa taille maximale.' },
  invalid_update: { status: 400, message: 'Modification refusée : données invalides.' },
  not_joined: { status: 409, message: 'Le document n’est pas ouvert.' },
  not_yet_active: {
    status: 409,
    message: 'L’ESCAP n’a pas encore été active : il n’y a pas de terme à renouveler.',
  },
  task_conflict: {
    status: 409,
    message:
      'Cette tâche a été modifiée entre-temps par un autre membre : vérifiez-la puis recommencez.',
  },
  file_conflict: {
    status: 409,
    message:
      'Cette information du dossier a été modifiée entre-temps par un autre membre : vérifiez-la puis recommencez.',
  },
  plan_conflict: {
    status: 409,
    message:
      'Le plan de soins a été modifié entre-temps par un autre membre : vérifiez la nouvelle version puis recommencez.',
  },
  plan_not_found: { status: 404, message: 'Cette version du plan de soins n’existe pas.' },
  responsible_not_member: {
    status: 400,
    message: 'Chaque action doit être confiée à un membre actuel de l’équipe.',
  },
  file_part_full: {
    status: 422,
    message: 'Cette partie du dossier compte déjà le nombre maximal d’éléments.',
  },
  assignee_not_member: {
    status: 400,
    message: 'La tâche doit être confiée à un membre actuel de l’équipe.',
  },
  not_task_creator: {
    status: 403,
    message: 'Seul le membre qui a créé cette tâche peut la supprimer.',
  },
  message_empty: { status: 400, message: 'Le message est vide.' },
  message_too_long: {
    status: 400,
    message: 'Le message est trop long (4 000 caractères au plus).',
  },
  invalid_message: { status: 400, message: 'Message refusé : données invalides.' },
  file_too_large: {
    status: 413,
    message: 'Ce fichier est trop volumineux.',
  },
  quota_exceeded: {
    status: 413,
    message:
      'L’espace réservé aux documents de cette ESCAP est plein : retirez des documents devenus inutiles avant d’en ajouter.',
  },
  file_type_refused: {
    status: 415,
    message:
      'Ce type de fichier n’est pas accepté : envoyez une photo (JPEG, PNG, WebP, HEIC) ou un PDF.',
  },
  file_type_mismatch: {
    status: 415,
    message:
      'Le contenu de ce fichier ne correspond pas à son nom (par exemple un PDF nommé « .jpg ») : il a été refusé.',
  },
  heic_unsupported: {
    status: 415,
    message:
      'Les photos HEIC ne peuvent pas être converties par ce serveur : envoyez-la en JPEG (sur iPhone : Réglages › Appareil photo › Formats › « Le plus compatible »).',
  },
  image_unreadable: {
    status: 422,
    message: 'Cette image est illisible ou endommagée : elle n’a pas été ajoutée.',
  },
  file_infected: {
    status: 422,
    message:
      'L’antivirus a signalé ce fichier : il a été mis en quarantaine et n’a pas été partagé.',
  },
  scan_unavailable: {
    status: 503,
    message: 'L’analyse antivirus est indisponible pour le moment : réessayez dans un instant.',
  },
  upload_invalid: {
    status: 400,
    message: 'Envoi refusé : joignez un seul fichier, après les champs du formulaire.',
  },
  upload_incomplete: {
    status: 400,
    message: 'L’envoi du fichier a été interrompu avant la fin : réessayez.',
  },
  not_document_author: {
    status: 403,
    message:
      'Seul le membre qui a ajouté ce document, ou un responsable de l’ESCAP, peut le retirer.',
  },
  attachment_invalid: {
    status: 400,
    message: 'Une pièce jointe est introuvable ou a été retirée : retirez-la du message.',
  },
  invalid_year: {
    status: 400,
    message:
      'Cette année n’est pas disponible : choisissez une année entre 2024 et l’année en cours.',
  },
  database_unavailable: { status: 503, message: 'Le service est momentanément indisponible.' },
  server_busy: {
    status: 503,
    message:
      'Le serveur est très sollicité : cette note ne peut pas être ouverte pour l’instant. Réessayez dans une minute.',
  },
  internal_error: {
    status: 500,
    message: 'Une erreur inattendue est survenue. Veuillez réessayer.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The French message of each code (what the client shows). */
export const ERROR_MESSAGES = Object.fromEntries(
  Object.entries(ERRORS).map(([code, e]) => [code, e.message]),
) as { readonly [C in ErrorCode]: (typeof ERRORS)[C]['message'] };

export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Dotted path of the first invalid field, when the error is about one field. */
    field?: string;
    /** Seconds to wait before retrying (throttling). */
    retryAfter?: number;
  };
}

export function errorMessage(code: string): string {
  return (ERROR_MESSAGES as Record<string, string>)[code] ?? ERROR_MESSAGES.internal_error;
}

/** Acknowledgement of every socket.io event that expects an answer. */
export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/**
 * Stable error codes shared by server and client. The server answers
 * `{ error: { code, message, field? } }`; the client shows the French message of the code,
 * so both sides always agree on the wording.
 */
export const ERROR_MESSAGES = {
  validation_failed: 'Certaines informations sont invalides.',
  invalid_json: 'La requête est mal formée.',
  payload_too_large: 'La requête est trop volumineuse.',
  unsupported_media_type: 'Format de requête non pris en charge.',
  csrf_invalid: 'Votre session de formulaire a expiré. Veuillez réessayer.',
  unauthenticated: 'Veuillez vous connecter.',
  invalid_credentials: 'Identifiant ou mot de passe incorrect.',
  too_many_attempts: 'Trop de tentatives. Réessayez dans quelques minutes.',
  rpps_taken: 'Un compte existe déjà avec ce numéro RPPS.',
  email_taken: 'Un compte existe déjà avec cette adresse e-mail.',
  not_found: 'Ressource introuvable.',
  forbidden: "Vous n'avez pas le droit de faire cette action dans cette ESCAP.",
  team_closed: "Cette ESCAP est clôturée : son dossier n'est plus consultable qu'en lecture.",
  read_only: 'Le consentement du patient a été retiré : le dossier est en lecture seule.',
  professional_not_found: 'Aucun professionnel inscrit ne porte ce numéro RPPS.',
  not_a_physician: 'Le médecin traitant doit être un médecin.',
  already_member: 'Ce professionnel fait déjà partie de l’équipe.',
  already_invited: 'Ce professionnel a déjà une invitation en attente pour cette ESCAP.',
  invitation_expired: 'Cette invitation a expiré.',
  invitation_used: 'Cette invitation a déjà été utilisée ou annulée.',
  score_below_threshold: "Le score d'inclusion est inférieur au seuil en vigueur.",
  consent_in_force: 'Le consentement du patient est déjà en vigueur.',
  not_member: 'Ce professionnel ne fait pas partie de l’équipe.',
  update_too_large: 'Cette modification est trop volumineuse pour être enregistrée.',
  document_too_large: 'Le document a atteint sa taille maximale.',
  invalid_update: 'Modification refusée : données invalides.',
  not_joined: "Le document n'est pas ouvert.",
  not_yet_active: "L'ESCAP n'a pas encore été active : il n'y a pas de terme à renouveler.",
  task_conflict:
    'Cette tâche a été modifiée entre-temps par un autre membre : vérifiez-la puis recommencez.',
  assignee_not_member: 'La tâche doit être confiée à un membre actuel de l’équipe.',
  not_task_creator: 'Seul le membre qui a créé cette tâche peut la supprimer.',
  message_empty: 'Le message est vide.',
  message_too_long: 'Le message est trop long (4 000 caractères au plus).',
  invalid_message: 'Message refusé : données invalides.',
  invalid_year:
    "Cette année n'est pas disponible : choisissez une année entre 2024 et l'année en cours.",
  database_unavailable: 'Le service est momentanément indisponible.',
  internal_error: 'Une erreur inattendue est survenue. Veuillez réessayer.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

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

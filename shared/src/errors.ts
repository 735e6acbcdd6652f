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

import type { NoteStatus } from './provider.js';

/** What the note's state line says (French), for each state of the provider. */
export function statusText(status: NoteStatus, error?: { message: string }): string {
  switch (status) {
    case 'connecting':
      return 'Connexion aux notes…';
    case 'saved':
      return 'Connecté · enregistré';
    case 'saving':
      return 'Enregistrement…';
    case 'offline':
      return 'Hors ligne — vos modifications seront envoyées à la reconnexion';
    case 'read-only':
      return 'Lecture seule';
    case 'unavailable':
      return error?.message ?? 'Notes indisponibles pour le moment.';
  }
}

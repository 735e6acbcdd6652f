import { Types } from 'mongoose';

/**
 * What an audit row is about, in words: rows store ids only ("task:6b0f…", never health
 * data), and the journal, read by the team's members, shows the task's title, the document's,
 * the invitee's name. Each feature registers how to name its own subjects (services.ts), so
 * the audit knows no other feature's models.
 */
export type AuditNamer = (
  teamId: Types.ObjectId,
  ids: Types.ObjectId[],
) => Promise<Map<string, string>>;

/** Shown when the subject no longer exists (a deleted task) or has no namer. */
const FALLBACK: Record<string, string> = {
  task: 'Tâche supprimée',
  document: 'Document',
  file: 'Fichier',
  entry: 'Élément du dossier supprimé',
  event: 'Événement',
  invitation: 'Invitation',
  version: 'Version des notes',
};

export class AuditNames {
  readonly #namers = new Map<string, AuditNamer>();
  /** Details that are not `kind:id` (a note's name, a message id). */
  readonly #fixed = new Map<string, (value: string) => string>();

  register(kind: string, namer: AuditNamer): void {
    this.#namers.set(kind, namer);
  }

  registerFixed(kind: string, name: (value: string) => string): void {
    this.#fixed.set(kind, name);
  }

  /** The words for each detail given (absent details are left out). */
  async describe(teamId: Types.ObjectId, details: readonly (string | null | undefined)[]) {
    const byKind = new Map<string, Types.ObjectId[]>();
    for (const detail of details) {
      const parsed = parse(detail);
      if (!parsed || !Types.ObjectId.isValid(parsed.value) || this.#fixed.has(parsed.kind))
        continue;
      const ids = byKind.get(parsed.kind) ?? [];
      ids.push(new Types.ObjectId(parsed.value));
      byKind.set(parsed.kind, ids);
    }
    const names = new Map<string, string>();
    await Promise.all(
      [...byKind].map(async ([kind, ids]) => {
        const namer = this.#namers.get(kind);
        if (!namer) return;
        for (const [id, name] of await namer(teamId, ids)) names.set(`${kind}:${id}`, name);
      }),
    );
    return (detail: string | null | undefined): string | undefined => {
      const parsed = parse(detail);
      if (!parsed) return undefined;
      const fixed = this.#fixed.get(parsed.kind);
      if (fixed) return fixed(parsed.value);
      const name = names.get(`${parsed.kind}:${parsed.value}`) ?? FALLBACK[parsed.kind];
      return name && parsed.part ? `${name} (${PARTS[parsed.part] ?? parsed.part})` : name;
    };
  }
}

/** Parts of a subject a row may name after its id (`document:<id>:thumbnail`). */
const PARTS: Record<string, string> = { thumbnail: 'miniature' };

/** `kind:value[:part]`; a bare value (a message's id) is of kind `message`. */
function parse(
  detail: string | null | undefined,
): { kind: string; value: string; part?: string | undefined } | null {
  if (!detail) return null;
  const [kind, value, part] = detail.split(':');
  return value === undefined ? { kind: 'message', value: detail } : { kind: kind!, value, part };
}

import type { Model } from 'mongoose';
import {
  DIRECTORY_LIMITS,
  PHYSICIAN_CODE,
  professionOfCode,
  type DirectoryHit,
  type DirectoryStatusView,
} from '../../../shared/src/directory.js';
import type { Profession } from '../../../shared/src/professions.js';
import type { RppsCheck, SignUp } from '../../../shared/src/schemas/auth.js';
import { foldName, nameWords } from '../../../shared/src/text.js';
import type { ProfessionalDoc } from '../auth/model.js';
import type { SignUpCheck } from '../auth/service.js';
import { AppError } from '../http/errors.js';
import type { DirectoryLineDoc, DirectoryModels } from './model.js';

export type SignUpMode = 'refuse' | 'flag';

export interface DirectoryDeps {
  models: DirectoryModels;
  Professional: Model<ProfessionalDoc>;
  signUpMode: SignUpMode;
}

/** Lines fetched per search before grouping by professional (several situations each). */
const LINES_PER_SEARCH = 80;
const WORDS_PER_SEARCH = 4;

/**
 * The national directory as the app uses it (docs/identity.md, "Directory"): whether one is
 * loaded, the search of the invite form, the check of a sign-up's identity, and whether a
 * professional may be médecin traitant. With no directory loaded, every check lets through
 * what the profession alone allows.
 */
export class Directory implements SignUpCheck {
  constructor(private readonly deps: DirectoryDeps) {}

  async status(): Promise<DirectoryStatusView> {
    const last = await this.deps.models.Import.findOne({ finishedAt: { $ne: null } })
      .sort({ finishedAt: -1 })
      .lean();
    return {
      loaded: last != null,
      synthetic: last?.synthetic ?? false,
      importedAt: last?.finishedAt?.toISOString() ?? null,
      signUp: this.deps.signUpMode,
    };
  }

  async loaded(): Promise<boolean> {
    return (await this.deps.models.Import.exists({ finishedAt: { $ne: null } })) != null;
  }

  /** The current lines (not absent) of one RPPS number. */
  private linesOf(rpps: string): Promise<DirectoryLineDoc[]> {
    return this.deps.models.Line.find({ rpps, absentSince: null }).lean<DirectoryLineDoc[]>();
  }

  /**
   * Sign-up against the directory: the RPPS must be listed with these names (compared without
   * case or accents) and this profession. Otherwise a clear refusal, or, when the setting says
   * `flag`, an account marked "non vérifié".
   */
  async check(
    input: Pick<SignUp, 'rpps' | 'firstName' | 'lastName' | 'profession'>,
  ): Promise<RppsCheck | null> {
    if (!(await this.loaded())) return null;
    const lines = await this.linesOf(input.rpps);
    const refuse = this.deps.signUpMode === 'refuse';
    if (lines.length === 0) {
      if (refuse) throw new AppError('rpps_not_in_directory', { field: 'rpps' });
      return 'unverified';
    }
    const matches = lines.some(
      (l) =>
        foldName(l.lastName) === foldName(input.lastName) &&
        foldName(l.firstName) === foldName(input.firstName) &&
        professionOfCode(l.professionCode) === input.profession,
    );
    if (matches) return 'directory';
    if (refuse) throw new AppError('directory_mismatch', { field: 'rpps' });
    return 'unverified';
  }

  /** Whether the directory lists this RPPS as a médecin (true when none is loaded). */
  async listsAsPhysician(rpps: string): Promise<boolean> {
    if (!(await this.loaded())) return true;
    const found = await this.deps.models.Line.exists({
      rpps,
      professionCode: PHYSICIAN_CODE,
      absentSince: null,
    });
    return found != null;
  }

  /** Whether the directory lists this RPPS with this profession (Pro Santé Connect sign-up). */
  async lists(rpps: string, profession: Profession): Promise<boolean> {
    const lines = await this.linesOf(rpps);
    return lines.some((l) => professionOfCode(l.professionCode) === profession);
  }

  /**
   * Name search, without case or accents: every word typed must start a word of the last or
   * first name. The first word's prefix is an index range scan on `words`; the others filter
   * what it found. Professionals are grouped with all their places of practice.
   */
  async search(query: string): Promise<DirectoryHit[]> {
    const words = nameWords(query)
      .filter((w) => w.length > 0)
      .slice(0, WORDS_PER_SEARCH)
      // The longest word first: the narrowest index range.
      .sort((a, b) => b.length - a.length);
    if (words.length === 0 || words[0]!.length < DIRECTORY_LIMITS.queryMin) return [];
    // Words are folded to letters and digits only: safe in a regular expression as they are.
    const lines = await this.deps.models.Line.find({
      $and: words.map((w) => ({ words: { $regex: `^${w}` } })),
      absentSince: null,
    })
      // No sort in the query: sorting every match would cost a scan of them all for a short
      // prefix; the index's own order (by the matched word) is kept, then sorted here.
      .limit(LINES_PER_SEARCH)
      .lean<DirectoryLineDoc[]>();
    const byRpps = new Map<string, DirectoryHit>();
    for (const l of lines) {
      let hit = byRpps.get(l.rpps);
      if (!hit) {
        if (byRpps.size >= DIRECTORY_LIMITS.results) continue;
        hit = {
          rpps: l.rpps,
          firstName: l.firstName,
          lastName: l.lastName,
          profession: professionOfCode(l.professionCode),
          professionLabel: l.professionLabel,
          places: [],
          registered: null,
        };
        byRpps.set(l.rpps, hit);
      }
      const city = l.city ?? '';
      const postalCode = l.postalCode ?? '';
      if (
        (city || postalCode) &&
        !hit.places.some((p) => p.city === city && p.postalCode === postalCode)
      )
        hit.places.push({ city, postalCode });
    }
    const collator = new Intl.Collator('fr', { sensitivity: 'base' });
    const hits = [...byRpps.values()].sort(
      (a, b) =>
        collator.compare(a.lastName, b.lastName) || collator.compare(a.firstName, b.firstName),
    );
    const accounts = await this.deps.Professional.find({
      rpps: { $in: hits.map((h) => h.rpps) },
    }).lean<ProfessionalDoc[]>();
    const byAccount = new Map(accounts.map((a) => [a.rpps, a]));
    for (const hit of hits) {
      const a = byAccount.get(hit.rpps);
      if (a)
        hit.registered = {
          id: String(a._id),
          firstName: a.firstName,
          lastName: a.lastName,
          profession: a.profession,
        };
    }
    return hits;
  }
}

/**
 * Who may be médecin traitant: a médecin by profession and, when a directory is loaded, one
 * the directory lists as a médecin (an account whose profession was typed at sign-up proves
 * nothing by itself), or one whose profession Pro Santé Connect gave.
 */
export class PhysicianCheck {
  constructor(private readonly directory: Pick<Directory, 'listsAsPhysician'>) {}

  async assert(
    p: { profession: string; rpps: string; rppsCheck?: string | null },
    field?: string,
  ): Promise<void> {
    const options = field ? { field } : {};
    if (p.profession !== 'medecin') throw new AppError('not_a_physician', options);
    // Pro Santé Connect's profession comes from the RPPS itself, fresher than any extract.
    if (p.rppsCheck === 'psc') return;
    if (!(await this.directory.listsAsPhysician(p.rpps)))
      throw new AppError('not_a_listed_physician', options);
  }
}

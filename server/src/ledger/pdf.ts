import {
  AMOUNT_LABELS,
  CONTRIBUTION_COLUMN_LABELS as C,
  formatEuros,
  STATEMENT,
  zoneLabel,
} from '../../../shared/src/glossary.js';
import { LEDGER_REASON_LABELS, type LedgerPeriodView } from '../../../shared/src/ledger.js';
import { PROFESSION_LABELS } from '../../../shared/src/professions.js';
import type { IssuedStatement } from './service.js';
import { encodeForPdf, PDF_INFO_KEY } from './signing.js';

/**
 * The yearly statement as a PDF (French). It lists each ESCAP by its pseudonymous reference
 * (never the patient), with the professional's periods, the active periods and the
 * contributions, then the totals, the rule's settings, and how to check it: the verification
 * code, the address of the check page and the SHA-256 of the content as issued.
 * Only the standard Helvetica font is used: its encoding (WinAnsi) covers French accents and
 * the euro sign; the words and amounts are the glossary's (shared/src/glossary.ts), as on the
 * page.
 * pdfkit (and its font tables, ~25 MB of memory) is loaded at the first statement, not at start:
 * most instances never make one.
 */
export async function renderStatementPdf(
  statement: IssuedStatement,
  checkUrl: string,
): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const { view, code, issuedAt, digest, signed } = statement;
  const tz = view.settings.timeZone;
  const dateTime = new Intl.DateTimeFormat('fr-FR', {
    timeZone: tz,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const at = (iso: string | Date) => dateTime.format(new Date(iso)).replace(/\s+/g, ' ');
  const periods = (list: LedgerPeriodView[]) =>
    list.length === 0 ? 'aucune' : list.map((p) => `du ${at(p.from)} au ${at(p.to)}`).join(' ; ');
  const eur = formatEuros;
  const p = view.professional;

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `${STATEMENT.name} ESCAP ${view.year}`,
      Author: 'ESCAP',
      Subject: `${STATEMENT.short} ${code}`,
    },
  });
  // The signed content, for `npm run statement:verify` (signing.ts); pdfkit writes any key
  // of the document information, which its types do not list.
  (doc.info as Record<string, unknown>)[PDF_INFO_KEY] = encodeForPdf(signed);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(text).moveDown(0.3);
    doc.font('Helvetica').fontSize(10);
  };
  const line = (label: string, value: string) =>
    doc
      .font('Helvetica-Bold')
      .text(`${label} : `, { continued: true })
      .font('Helvetica')
      .text(value);

  doc.font('Helvetica-Bold').fontSize(16).text(`${STATEMENT.name} ESCAP - ${view.year}`);
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  if (view.inProgress)
    doc.text(
      `${STATEMENT.provisional} : l’année est en cours, les chiffres peuvent encore évoluer.`,
    );
  doc.moveDown(0.5);
  line('Professionnel', `${p.firstName} ${p.lastName}`);
  line('RPPS', p.rpps);
  line('Profession', PROFESSION_LABELS[p.profession]);
  line('Émise le', `${at(issuedAt)} (${zoneLabel(tz)})`);

  heading('Vérification');
  line('Code de vérification', code);
  line('Vérifier sur', checkUrl);
  line('Empreinte SHA-256 du contenu', digest);
  line('Signature Ed25519 du serveur, clé', signed.keyId);

  heading('Règle appliquée');
  doc.text(
    `Année civile ${view.year} (fuseau ${tz}). Une ESCAP compte quand elle a été active pendant ` +
      'votre participation au cours de l’année' +
      (view.settings.requireContribution ? ', avec au moins une contribution de votre part.' : '.'),
  );
  line(`${AMOUNT_LABELS.base} (au moins une ESCAP comptée)`, eur(view.settings.baseAmount));
  line(
    `${AMOUNT_LABELS.bonus} (au moins ${view.settings.threshold} ESCAP comptées)`,
    eur(view.settings.bonusAmount),
  );

  heading(`ESCAP (${view.escaps.length})`);
  if (view.escaps.length === 0) doc.text('Aucune participation à une ESCAP cette année.');
  for (const e of view.escaps) {
    doc
      .moveDown(0.4)
      .font('Helvetica-Bold')
      .text(`${e.reference} - ${e.counts ? 'comptée' : 'non comptée'}`);
    doc.font('Helvetica');
    line('Participation', periods(e.memberPeriods));
    line('Active pendant la participation', periods(e.activePeriods));
    const c = e.contributions;
    line(
      'Contributions',
      `${C.note} : ${c.note}, ${C.message} : ${c.message}, ${C.task} : ${c.task}, ` +
        `${C.document} : ${c.document} (${C.total.toLowerCase()} : ${c.total})`,
    );
    line('Motif', LEDGER_REASON_LABELS[e.reason]);
  }

  heading('Totaux');
  line('ESCAP considérées', String(view.escaps.length));
  line('ESCAP comptées', `${view.counted} / ${view.settings.threshold}`);
  line(AMOUNT_LABELS.base, eur(view.amounts.base));
  line(AMOUNT_LABELS.bonus, eur(view.amounts.bonus));
  line(AMOUNT_LABELS.total, eur(view.amounts.total));

  doc.end();
  return done;
}

import type { CarePlanVersionView } from '../../../shared/src/care-plan.js';
import { PROFESSION_LABELS } from '../../../shared/src/professions.js';

/**
 * One version of the care plan as a PDF (French), for a team meeting (RCP): the patient, the
 * objectives, the actions with who is responsible and their rhythm, the review date, and which
 * version it is, by whom and when. Health data, downloaded by a member (the export is audited).
 * Standard Helvetica only, as the ledger's statements; pdfkit is loaded at the first export.
 */
export async function renderCarePlanPdf(
  plan: CarePlanVersionView,
  patient: string,
  timeZone = 'Europe/Paris',
): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const dateTime = new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const day = (iso: string) => iso.split('-').reverse().join('/');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Plan de soins - version ${plan.version}`, Author: 'ESCAP' },
  });
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
  const who = (p: CarePlanVersionView['createdBy']) =>
    `${p.firstName} ${p.lastName} (${PROFESSION_LABELS[p.profession]})`;

  doc.font('Helvetica-Bold').fontSize(16).text('Projet personnalisé de soins (PPS)');
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  doc.text(`Patient : ${patient}`);
  doc.text(
    `Version ${plan.version}, établie par ${who(plan.createdBy)} le ${dateTime
      .format(new Date(plan.createdAt))
      .replace(/\s+/g, ' ')}`,
  );
  doc.text(`Date de réévaluation : ${day(plan.reviewDate)}`);
  doc.text('Document confidentiel : données de santé réservées à l’équipe de soins.');

  heading('Objectifs');
  plan.objectives.forEach((o, i) => doc.text(`${i + 1}. ${o}`));

  heading('Actions');
  if (plan.actions.length === 0) doc.text('Aucune action.');
  for (const a of plan.actions) {
    doc.font('Helvetica-Bold').text(a.text);
    doc.font('Helvetica').text(`Responsable : ${who(a.responsible)} - Rythme : ${a.rhythm}`);
    doc.moveDown(0.3);
  }
  doc.end();
  return done;
}

import { Router, type Request } from 'express';
import { canOnPlatform } from '../../../shared/src/rules/policy.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import { AppError } from '../http/errors.js';
import { requireAuth } from '../http/middleware.js';
import { baseUrlOf } from '../teams/routes.js';
import { renderStatementPdf } from './pdf.js';
import { reportCsv } from './report.js';
import type { LedgerService } from './service.js';
import type { PublishedKey } from './signing.js';

const actorOf = (req: Request): Professional => req.auth!.professional;
/** The platform report is for gestionnaires only (the policy): anyone else gets 403 `forbidden`. */
function requireGestionnaire(req: Request): void {
  if (!canOnPlatform(actorOf(req), 'ledger.report'))
    throw new AppError('forbidden', {
      message: 'Ce rapport est réservé aux gestionnaires de la plateforme.',
    });
}

/**
 * The participation ledger (docs/ledger.md): the signed-in professional's years and
 * statements, the public check of a statement code, and the gestionnaires' platform report.
 */
export function ledgerRoutes(ledger: LedgerService, publicUrl: string | undefined): Router {
  const router = Router();
  router.use('/ledger', requireAuth);

  router.get('/ledger', async (req, res) => {
    const year = ledger.parseYear(req.query.year);
    res.set('Cache-Control', 'no-store');
    res.json(await ledger.yearView(actorOf(req), year));
  });

  router.get('/ledger/statement.pdf', async (req, res) => {
    const year = ledger.parseYear(req.query.year);
    const base = baseUrlOf(req, publicUrl);
    const { statement, document: pdf } = await ledger.issueStatement(actorOf(req), year, (s) =>
      renderStatementPdf(s, `${base}/verification/${s.code}`),
    );
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="attestation-escap-${year}-${statement.code}.pdf"`,
      'Cache-Control': 'no-store',
      'X-Statement-Code': statement.code,
    });
    res.send(pdf);
  });

  // Public: a third party checks a code without an account. Codes carry 80 random bits, so
  // they cannot be guessed; an unknown code gets the generic 404.
  router.get('/statements/:code', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(await ledger.check(req.params.code));
  });

  const platformReport = async (req: Request) => {
    requireGestionnaire(req);
    const year = ledger.parseYear(req.query.year);
    const view = await ledger.report(year);
    // A platform-level read of every professional's figures: traced, without the figures.
    req.log.info({ event: 'ledger.report', year, rows: view.rows.length }, 'ledger report read');
    return view;
  };

  router.get('/ledger/report', async (req, res) => {
    const view = await platformReport(req);
    res.set('Cache-Control', 'no-store');
    res.json(view);
  });

  router.get('/ledger/report.csv', async (req, res) => {
    const view = await platformReport(req);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="participation-escap-${view.year}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.send(reportCsv(view));
  });

  return router;
}

/** Where a deployment publishes the keys its statements are signed with (docs/ledger.md). */
export const STATEMENT_KEYS_PATH = '/.well-known/escap-statement-keys.json';

/**
 * The statement signing keys, public: a payer downloads them once and checks statements
 * offline (`npm run statement:verify FILE --keys keys.json`).
 */
export function statementKeysRoute(keys: PublishedKey[]): Router {
  const router = Router();
  router.get(STATEMENT_KEYS_PATH, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600');
    res.json({ keys });
  });
  return router;
}

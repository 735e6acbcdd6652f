// Checks a yearly statement PDF offline (docs/ledger.md, "Signature"):
//   npm run statement:verify FILE.pdf KEYS
// KEYS: the deployment's published keys, either the JSON file served at
// /.well-known/escap-statement-keys.json, or one public key in base64 (as in the README).
// Prints what the statement states, as signed; exits 0 when the signature holds, 1 when it
// does not (a changed statement, or a key that is not the deployment's), 2 on a usage error.
import { existsSync, readFileSync } from 'node:fs';
import { publishedKeyFrom, signedStatementOf, verifySigned, type PublishedKey } from './signing.js';
import type { StatementContent } from './service.js';

function keysFrom(arg: string): PublishedKey[] | undefined {
  if (existsSync(arg)) {
    const parsed = JSON.parse(readFileSync(arg, 'utf8')) as { keys?: PublishedKey[] };
    return Array.isArray(parsed.keys) ? parsed.keys : undefined;
  }
  const key = publishedKeyFrom(arg);
  return key && [key];
}

function main(argv: string[]): number {
  const [file, keysArg] = argv;
  if (!file || !keysArg) {
    console.error('usage : npm run statement:verify FICHIER.pdf CLÉS');
    console.error(
      '  CLÉS : le fichier escap-statement-keys.json publié, ou la clé publique en base64',
    );
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`Fichier introuvable : ${file}`);
    return 2;
  }
  const keys = keysFrom(keysArg);
  if (!keys || keys.length === 0) {
    console.error(`Clés illisibles : ${keysArg}`);
    return 2;
  }
  const signed = signedStatementOf(readFileSync(file));
  if (!signed) {
    console.log('AUCUNE SIGNATURE : ce fichier ne contient pas d’attestation signée ESCAP.');
    return 1;
  }
  const verdict = verifySigned(signed, keys);
  if (!verdict.ok) {
    console.log(
      verdict.reason === 'unknown_key'
        ? `SIGNATURE NON RECONNUE : la clé ${signed.keyId} n’est pas une clé publiée de ce service.`
        : 'SIGNATURE INVALIDE : le contenu a été modifié après sa signature.',
    );
    return 1;
  }
  const c = JSON.parse(signed.content) as StatementContent;
  console.log(`SIGNATURE VALIDE (clé ${verdict.keyId}).`);
  console.log(`Attestation ${c.code}, année ${c.year}${c.inProgress ? ' (provisoire)' : ''}`);
  console.log(`Émise le ${c.issuedAt} (UTC)`);
  console.log(
    `Professionnel : ${c.professional.firstName} ${c.professional.lastName}, RPPS ${c.professional.rpps}`,
  );
  console.log(`ESCAP comptées : ${c.counted} sur ${c.escaps.length}`);
  console.log(`Montants : ${c.amounts.base} € + ${c.amounts.bonus} € = ${c.amounts.total} €`);
  console.log(
    'Comparez ces chiffres à ceux imprimés : seuls ceux-ci sont garantis par la signature.',
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatementCheckView } from '../../shared/src/ledger.js';
import {
  encodeForPdf,
  publishedKeys,
  signedStatementOf,
  StatementSigner,
  verifySigned,
  type PublishedKey,
} from '../../server/src/ledger/signing.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import { activeTeam, expectStatus } from '../teamFactories.js';

const run = promisify(execFile);

/**
 * Yearly statements signed by the server (docs/ledger.md, "Signature"): a payer checks a PDF
 * offline with the published key, by the command the README gives; any change to what was
 * signed, or a key that is not the deployment's, is refused.
 */
describe('signed yearly statements', () => {
  const seed = randomBytes(32);
  const previous = new StatementSigner();
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        STATEMENT_SIGNING_KEY: seed.toString('base64'),
        STATEMENT_PREVIOUS_KEYS: Buffer.from(previous.key.publicKey, 'base64url').toString(
          'base64',
        ),
      },
    });
    dir = mkdtempSync(path.join(tmpdir(), 'escap-statement-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  /** `npm run statement:verify FILE KEYS`, as a payer runs it. */
  async function verifyCli(file: string, keys: string) {
    try {
      const { stdout } = await run('npx', ['tsx', 'server/src/ledger/verify-cli.ts', file, keys]);
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, stdout: e.stdout };
    }
  }

  it('publishes its key, signs each statement, and the command verifies the PDF offline', async () => {
    const anonymous = new Agent(t.baseUrl);
    const published = expectStatus(
      await anonymous.get<{ keys: PublishedKey[] }>('/.well-known/escap-statement-keys.json'),
      200,
    );
    // The key of STATEMENT_SIGNING_KEY first, then the earlier one still published.
    expect(published.keys).toEqual(
      publishedKeys(new StatementSigner(seed), []).concat([previous.key]),
    );

    const { team, creator } = await activeTeam(t);
    await t.app.services.contributions.record(team.id, creator.id, 'message', new Date());
    const res = await fetch(`${t.baseUrl}/api/ledger/statement.pdf`, {
      headers: { cookie: creator.agent.cookieHeader() },
    });
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    const code = res.headers.get('x-statement-code')!;

    const signed = signedStatementOf(pdf)!;
    expect(signed.keyId).toBe(published.keys[0]!.keyId);
    expect(JSON.parse(signed.content)).toMatchObject({ code, counted: 1 });
    expect(verifySigned(signed, published.keys)).toEqual({ ok: true, keyId: signed.keyId });
    // The public check gives the same signature, for whoever has only the code.
    const check = expectStatus(
      await anonymous.get<StatementCheckView>(`/api/statements/${code}`),
      200,
    );
    expect(check).toMatchObject({ signature: signed.signature, keyId: signed.keyId });

    const file = path.join(dir, 'attestation.pdf');
    writeFileSync(file, pdf);
    const keysFile = path.join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(published));
    const good = await verifyCli(file, keysFile);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`SIGNATURE VALIDE (clé ${signed.keyId})`);
    expect(good.stdout).toContain(`Attestation ${code}`);
    expect(good.stdout).toContain(`RPPS ${creator.input.rpps}`);
    expect(good.stdout).toContain('100 € + 0 € = 100 €');
    // The key alone, in base64, as the README publishes it.
    expect((await verifyCli(file, published.keys[0]!.publicKey)).code).toBe(0);

    // The same statement with a changed amount: the signature no longer holds.
    const content = JSON.parse(signed.content) as { amounts: { total: number } };
    content.amounts.total = 200;
    const forged = { ...signed, content: JSON.stringify(content) };
    const tampered = Buffer.from(
      pdf.toString('latin1').replace(encodeForPdf(signed), encodeForPdf(forged)),
      'latin1',
    );
    expect(verifySigned(signedStatementOf(tampered)!, published.keys)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    writeFileSync(file, tampered);
    const bad = await verifyCli(file, keysFile);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('SIGNATURE INVALIDE');

    // Signed again by someone else's key: not one the deployment publishes.
    const other = new StatementSigner().sign(forged.content);
    writeFileSync(
      file,
      Buffer.from(
        pdf.toString('latin1').replace(encodeForPdf(signed), encodeForPdf(other)),
        'latin1',
      ),
    );
    const foreign = await verifyCli(file, keysFile);
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toContain('SIGNATURE NON RECONNUE');
  });

  it('a statement signed with the earlier key still verifies against the published keys', () => {
    const signed = previous.sign('{"code":"X"}');
    const keys = publishedKeys(new StatementSigner(seed), [
      Buffer.from(previous.key.publicKey, 'base64url').toString('base64'),
    ]);
    expect(verifySigned(signed, keys)).toEqual({ ok: true, keyId: previous.key.keyId });
  });
});

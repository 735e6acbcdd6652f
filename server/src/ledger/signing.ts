import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Yearly statements signed by the server (docs/ledger.md, "Signature"): Ed25519 over the
 * statement's canonical content, so that a payer can check a PDF offline with the published
 * public key (`npm run statement:verify FILE`), without asking the server or trusting its
 * database. The signed statement travels inside the PDF, in its document information, as
 * base64url of a small JSON: ASCII only, so it survives any PDF tool and is found by a plain
 * search of the file's bytes.
 */

/** The document information key the signed statement is stored under in the PDF. */
export const PDF_INFO_KEY = 'EscapSignedStatement';

/** What the PDF carries: the exact content signed, the key's id and the signature. */
export interface SignedStatement {
  v: 1;
  alg: 'Ed25519';
  keyId: string;
  content: string;
  signature: string;
}

export interface PublishedKey {
  keyId: string;
  alg: 'Ed25519';
  /** The raw 32-byte public key, base64url. */
  publicKey: string;
}

// DER prefixes of Ed25519 keys (RFC 8410): what precedes the raw 32 bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A key's id: the start of the SHA-256 of its raw public key, in hex. */
export const keyIdOf = (rawPublic: Buffer) =>
  createHash('sha256').update(rawPublic).digest('hex').slice(0, 16);

function rawPublicOf(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** A public key from its raw 32 bytes (base64url or base64); undefined when it is not one. */
export function publicKeyFrom(encoded: string): KeyObject | undefined {
  const raw = Buffer.from(encoded, 'base64');
  if (raw.length !== 32) return undefined;
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

/** The instance's signing key: from its 32-byte seed (STATEMENT_SIGNING_KEY), or one per start. */
export class StatementSigner {
  private readonly privateKey: KeyObject;
  readonly key: PublishedKey;

  constructor(seed?: Buffer) {
    this.privateKey = seed
      ? createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
      : generateKeyPairSync('ed25519').privateKey;
    const raw = rawPublicOf(createPublicKey(this.privateKey));
    this.key = publishedKeyOf(raw);
  }

  sign(content: string): SignedStatement {
    const signature = sign(null, Buffer.from(content, 'utf8'), this.privateKey);
    return {
      v: 1,
      alg: 'Ed25519',
      keyId: this.key.keyId,
      content,
      signature: signature.toString('base64url'),
    };
  }
}

/** The value stored in the PDF's document information. */
export const encodeForPdf = (signed: SignedStatement) =>
  Buffer.from(JSON.stringify(signed), 'utf8').toString('base64url');

/**
 * The signed statement a PDF carries, read from its bytes; undefined when there is none or it
 * is not well formed. The document information names it `/EscapSignedStatement`, followed by
 * the value as a literal string, or (as pdfkit writes it) by a reference to an object holding
 * that string.
 */
export function signedStatementOf(pdf: Buffer): SignedStatement | undefined {
  const text = pdf.toString('latin1');
  const direct = new RegExp(String.raw`/${PDF_INFO_KEY}\s*\(([A-Za-z0-9_-]+)\)`).exec(text);
  let value = direct?.[1];
  if (!value) {
    const ref = new RegExp(String.raw`/${PDF_INFO_KEY}\s+(\d+)\s+0\s+R`).exec(text);
    if (ref) {
      const object = new RegExp(String.raw`(?:^|[\r\n])${ref[1]}\s+0\s+obj\s*\(([A-Za-z0-9_-]+)\)`);
      value = object.exec(text)?.[1];
    }
  }
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    return isSignedStatement(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isSignedStatement(v: unknown): v is SignedStatement {
  const s = v as Partial<SignedStatement> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.v === 1 &&
    s.alg === 'Ed25519' &&
    typeof s.keyId === 'string' &&
    typeof s.content === 'string' &&
    typeof s.signature === 'string'
  );
}

export type Verdict =
  { ok: true; keyId: string } | { ok: false; reason: 'unknown_key' | 'bad_signature' };

/** Checks a signed statement against published keys (the current one and earlier ones). */
export function verifySigned(signed: SignedStatement, keys: PublishedKey[]): Verdict {
  const published = keys.find((k) => k.keyId === signed.keyId);
  const key = published && publicKeyFrom(published.publicKey);
  // A key whose id does not match its bytes is not the key it claims to be.
  if (!published || !key || keyIdOf(rawPublicOf(key)) !== published.keyId)
    return { ok: false, reason: 'unknown_key' };
  const good = verify(
    null,
    Buffer.from(signed.content, 'utf8'),
    key,
    Buffer.from(signed.signature, 'base64url'),
  );
  return good ? { ok: true, keyId: published.keyId } : { ok: false, reason: 'bad_signature' };
}

/** A raw public key as it is published: its id and its bytes in base64url. */
const publishedKeyOf = (raw: Buffer): PublishedKey => ({
  keyId: keyIdOf(raw),
  alg: 'Ed25519',
  publicKey: raw.toString('base64url'),
});

/** A public key given in base64 (a setting, the README), as published; undefined if not one. */
export function publishedKeyFrom(encoded: string): PublishedKey | undefined {
  const key = publicKeyFrom(encoded);
  return key && publishedKeyOf(rawPublicOf(key));
}

/** The keys a deployment publishes: its signing key, then those it signed with before. */
export function publishedKeys(signer: StatementSigner, previous: string[]): PublishedKey[] {
  const earlier = previous.flatMap((encoded) => publishedKeyFrom(encoded) ?? []);
  return [signer.key, ...earlier.filter((k) => k.keyId !== signer.key.keyId)];
}

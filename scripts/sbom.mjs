#!/usr/bin/env node
// The software bill of materials of what ships (CycloneDX 1.5 JSON), made by `npm run build`
// from package-lock.json: every installed package the lockfile does not mark as dev-only, with
// its version, its package URL, its licence and its lockfile hash. Written to
// server/dist/sbom.cdx.json, beside the server bundle (the Docker image carries both).
// `npm sbom --omit dev` would be the standard tool, but the npm of Node 20 leaves out packages
// that are also peers of others (yjs, here), so the list is read from the lockfile directly.
//   node scripts/sbom.mjs [OUT]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = process.argv[2] ?? 'server/dist/sbom.cdx.json';
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const root = lock.packages[''];

/** `node_modules/a/node_modules/@s/b` -> `@s/b` */
const nameOf = (key) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
const purl = (name, version) =>
  `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;

/** Lockfile integrity (`sha512-<base64>`) as CycloneDX hashes. */
function hashesOf(integrity) {
  if (!integrity) return undefined;
  const algs = { sha512: 'SHA-512', sha384: 'SHA-384', sha256: 'SHA-256', sha1: 'SHA-1' };
  return integrity.split(' ').flatMap((h) => {
    const [alg, b64] = h.split('-');
    return algs[alg]
      ? [{ alg: algs[alg], content: Buffer.from(b64, 'base64').toString('hex') }]
      : [];
  });
}

const components = Object.entries(lock.packages)
  .filter(([key, p]) => key.startsWith('node_modules/') && !p.dev && !p.link && p.version)
  .map(([key, p]) => {
    const name = nameOf(key);
    return {
      type: 'library',
      'bom-ref': `${purl(name, p.version)}#${key}`,
      name,
      version: p.version,
      purl: purl(name, p.version),
      scope: p.optional ? 'optional' : 'required',
      ...(p.license ? { licenses: [{ license: { id: p.license } }] } : {}),
      ...(hashesOf(p.integrity) ? { hashes: hashesOf(p.integrity) } : {}),
    };
  })
  .sort((a, b) => a['bom-ref'].localeCompare(b['bom-ref']));

// Stable for one lockfile: the serial number is derived from it, not drawn.
const digest = createHash('sha256').update(JSON.stringify(lock.packages)).digest('hex');
const serial = `urn:uuid:${digest.slice(0, 8)}-${digest.slice(8, 12)}-5${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
const bom = {
  $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  serialNumber: serial,
  version: 1,
  metadata: {
    lifecycles: [{ phase: 'build' }],
    component: {
      type: 'application',
      'bom-ref': purl(root.name, root.version),
      name: root.name,
      version: root.version,
      purl: purl(root.name, root.version),
    },
  },
  components,
};
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(bom, null, 2)}\n`);
console.log(`sbom: ${components.length} components -> ${out}`);

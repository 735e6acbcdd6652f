import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

interface Component {
  name: string;
  version: string;
  purl: string;
  scope: string;
  licenses?: { license: { id: string } }[];
  hashes?: { alg: string; content: string }[];
}

/**
 * The build's software bill of materials (scripts/sbom.mjs, run by `npm run build`): what
 * ships, from the lockfile, as CycloneDX. A dependency of the server must be in it with the
 * locked version; a development tool must not.
 */
describe('SBOM', () => {
  it('lists every shipped package at its locked version, with licence and hash, and no dev tool', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'escap-sbom-'));
    try {
      const out = path.join(dir, 'sbom.cdx.json');
      await promisify(execFile)('node', ['scripts/sbom.mjs', out]);
      const bom = JSON.parse(readFileSync(out, 'utf8')) as {
        bomFormat: string;
        specVersion: string;
        components: Component[];
      };
      expect({ format: bom.bomFormat, spec: bom.specVersion }).toEqual({
        format: 'CycloneDX',
        spec: '1.5',
      });
      const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
        packages: Record<string, { version: string }>;
      };
      const byName = new Map(bom.components.map((c) => [c.name, c]));
      for (const name of [
        'mongoose',
        'socket.io',
        'express',
        'yjs',
        'y-protocols',
        'sharp',
        'zod',
      ]) {
        const c = byName.get(name);
        expect(c?.version, name).toBe(lock.packages[`node_modules/${name}`]!.version);
        expect(c?.purl).toBe(`pkg:npm/${name}@${c?.version}`);
      }
      expect(byName.get('@node-rs/argon2')?.purl).toMatch(/^pkg:npm\/%40node-rs\/argon2@/);
      expect(byName.get('mongoose')?.licenses).toEqual([{ license: { id: 'MIT' } }]);
      expect(byName.get('mongoose')?.hashes?.[0]).toMatchObject({ alg: 'SHA-512' });
      for (const dev of ['vitest', 'playwright-core', 'eslint', '@hocuspocus/server'])
        expect(byName.has(dev), dev).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

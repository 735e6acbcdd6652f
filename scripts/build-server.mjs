// Bundles the server (TypeScript sources, shared/ included) into one ES module per entry, with
// npm packages left as imports. Production and `npm start` run the bundle with plain Node:
// no TypeScript loader at run time, which measured 42 MB less resident memory at idle than
// running the sources through tsx (148 vs 190 MB, jongodb engine, no demo data).
//
//   node scripts/build-server.mjs            server/src/main.ts      -> server/dist/main.mjs
//   node scripts/build-server.mjs --bench    also bench/servers/escap.ts -> bench/.build/escap-server.mjs
//                                            and bench/servers/hocuspocus-db.ts -> bench/.build/hocuspocus-db-server.mjs
//
// The production image installs no development dependencies (`npm ci --omit=dev`), among them
// the embedded databases (docs/database.md). So the server bundle may load a development
// dependency only through a dynamic `import()` on a path production never takes: a static one
// fails the build here rather than the image at start-up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entries = [['server/src/main.ts', 'server/dist/main.mjs', { production: true }]];
if (process.argv.includes('--bench')) {
  entries.push(['bench/servers/escap.ts', 'bench/.build/escap-server.mjs', {}]);
  entries.push(['bench/servers/hocuspocus-db.ts', 'bench/.build/hocuspocus-db-server.mjs', {}]);
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const devOnly = new Set(Object.keys(pkg.devDependencies ?? {}));

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

for (const [entry, outfile, { production }] of entries) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: Boolean(production),
    logLevel: 'warning',
  });
  if (!production) continue;
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint === entry);
  const static_ = (output?.imports ?? []).filter(
    (i) => i.kind !== 'dynamic-import' && devOnly.has(packageOf(i.path)),
  );
  if (static_.length > 0) {
    console.error(
      `${outfile}: development dependencies imported statically (the production image lacks ` +
        `them; load them with a dynamic import() off the production path):\n  ` +
        [...new Set(static_.map((i) => i.path))].join('\n  '),
    );
    process.exit(1);
  }
}

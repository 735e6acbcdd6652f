import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'vite';

/**
 * Builds the service worker (client/sw/sw.ts) into `<outDir>/sw.js` once the app is built,
 * with the list of the app shell's files to precache and a hash of their contents
 * (docs/notifications.md, "Push, client"). A separate build, as a classic script (IIFE): the
 * worker shares no chunk with the app and needs no module support. Build only: no service
 * worker in `vite` dev.
 */
export function serviceWorker(entry: string): Plugin {
  let outDir = '';
  let publicDir = '';
  const files = new Map<string, string | Uint8Array>();
  return {
    name: 'escap-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
      publicDir = config.publicDir;
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const [fileName, output] of Object.entries(bundle)) {
          if (fileName.endsWith('.map')) continue;
          files.set(fileName, output.type === 'chunk' ? output.code : output.source);
        }
      },
    },
    async writeBundle() {
      for (const fileName of listFiles(publicDir))
        files.set(fileName, readFileSync(path.join(publicDir, fileName)));
      files.delete('sw.js');
      const names = [...files.keys()].sort();
      const hash = createHash('sha256');
      for (const name of names) hash.update(name).update('\0').update(files.get(name)!);
      await build({
        configFile: false,
        logLevel: 'warn',
        publicDir: false,
        define: {
          __ESCAP_PRECACHE__: JSON.stringify(names.map((name) => `/${name}`)),
          __ESCAP_VERSION__: JSON.stringify(hash.digest('hex').slice(0, 16)),
        },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          lib: { entry, formats: ['iife'], name: 'escapServiceWorker', fileName: () => 'sw.js' },
        },
      });
    },
  };
}

/** Paths under `dir`, relative, with forward slashes. */
function listFiles(dir: string): string[] {
  if (!dir) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    );
}

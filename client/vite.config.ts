import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { serviceWorker } from './vite-sw.js';

const clientDir = fileURLToPath(new URL('.', import.meta.url));
// The API server in development (`npm run dev`); the built client is served by it in production.
const apiTarget = 'http://localhost:3000';

export default defineConfig({
  root: clientDir,
  plugins: [svelte(), serviceWorker(fileURLToPath(new URL('./sw/sw.ts', import.meta.url)))],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The rich-text editor (TipTap/ProseMirror + Yjs) is one ~530 kB chunk, loaded only when a
    // note is opened; the main bundle stays well under the default warning limit.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
});

// `npm start`: builds the client when its build is missing or older than its sources, then
// starts the server bundle (rebuilt the same way) on one port (default 3000), serving the built client and the API.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from './node-flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'client', 'dist', 'index.html');
const serverBundle = path.join(root, 'server', 'dist', 'main.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const newest = (...dirs) => Math.max(...dirs.map((d) => newestMtime(path.join(root, d))));

/** Runs a build step when its output is missing or older than its sources. */
function buildIfStale(output, sources, label, command, args) {
  if (existsSync(output) && statSync(output).mtimeMs >= newest(...sources)) return;
  console.log(label);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

buildIfStale(dist, ['client', 'shared/src'], 'Building the client…', 'npx', [
  'vite',
  'build',
  '--config',
  'client/vite.config.ts',
  '--logLevel',
  'warn',
]);
buildIfStale(serverBundle, ['server/src', 'shared/src'], 'Building the server…', process.execPath, [
  path.join(root, 'scripts', 'build-server.mjs'),
]);

const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, serverBundle], {
  cwd: root,
  stdio: 'inherit',
  env: { CLIENT_DIST: 'client/dist', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

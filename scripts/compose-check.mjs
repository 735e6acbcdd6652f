#!/usr/bin/env node
// Validates docker-compose.yml with the installed Compose tool (no Docker engine needed) and
// asserts the structural facts the deployment relies on (docs/deployment.md): the replica set,
// the app instances alike and behind the proxy, nginx's upstreams naming every instance, and an
// image on a supported Node LTS that does not run as root.
// Usage: node scripts/compose-check.mjs [compose-file]   (or COMPOSE_CHECK_FILE=...)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? process.env.COMPOSE_CHECK_FILE ?? 'docker-compose.yml';
const tag = 'compose:check:';

function fail(message) {
  console.error(`${tag} ${message}`);
  process.exit(1);
}

function run(tool, args) {
  return spawnSync(tool[0], [...tool.slice(1), ...args], { encoding: 'utf8' });
}

if (!existsSync(file)) fail(`${file} not found`);

// Debian's docker-compose (v1.29) first, then the `docker compose` v2 plugin.
const tool = [['docker-compose'], ['docker', 'compose']].find((t) => {
  const r = run(t, ['version']);
  return !r.error && r.status === 0;
});
if (!tool) {
  fail(
    'no Compose tool found (tried `docker-compose` and `docker compose`).\n' +
      "Install Debian's docker-compose package: " +
      'apt-get install -y --no-install-recommends docker-compose',
  );
}
const toolName = tool.join(' ');

const quiet = run(tool, ['-f', file, 'config', '-q']);
if (quiet.error || quiet.status !== 0) {
  const output = `${quiet.stderr ?? ''}${quiet.stdout ?? ''}`.trim();
  fail(`${file} is invalid according to \`${toolName} config\`:\n${output || quiet.error}`);
}

const full = run(tool, ['-f', file, 'config']);
if (full.status !== 0) fail(`\`${toolName} config\` failed:\n${full.stderr}`);
const config = parseBlockYaml(full.stdout);

const problems = [];
const services = config.services ?? {};
const dependsOn = (service) =>
  Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
const waitsHealthy = (service, dep) => service.depends_on?.[dep]?.condition === 'service_healthy';
const mounts = (service, target) =>
  Array.isArray(service.volumes) && service.volumes.some((v) => v.split(':')[1] === target);

// The replica set: members with their data on a volume; the app waits for the one that
// initiates the set and turns healthy once it has a primary.
const members = Object.keys(services).filter((name) => /^mongo\d+$/.test(name));
if (members.length < 3) problems.push('a replica set of 3 members (mongo1, mongo2, mongo3)');
for (const name of members) {
  if (!services[name].healthcheck?.test) problems.push(`${name} needs a healthcheck`);
  if (!mounts(services[name], '/data/db')) problems.push(`${name} needs a volume at /data/db`);
}
if (!services.redis?.healthcheck?.test) problems.push('service "redis" with a healthcheck');

// The app instances: app1, app2... all alike.
const apps = Object.keys(services).filter((name) => /^app\d+$/.test(name));
if (apps.length < 2) problems.push('two app instances at least (app1, app2)');
for (const name of apps) {
  const app = services[name];
  for (const dep of ['mongo1', 'redis']) {
    if (!dependsOn(app).includes(dep) || !waitsHealthy(app, dep))
      problems.push(`${name} must wait for ${dep} to be healthy`);
  }
  const env = app.environment ?? {};
  if (!/[?&]replicaSet=/.test(env.MONGODB_URI ?? ''))
    problems.push(`${name}: MONGODB_URI must name the replica set`);
  if (!env.REDIS_URL) problems.push(`${name}: REDIS_URL is needed with several instances`);
  if (!('SESSION_SECRET' in env)) problems.push(`${name}: SESSION_SECRET must be passed on`);
  if (!('STATEMENT_SIGNING_KEY' in env))
    problems.push(`${name}: STATEMENT_SIGNING_KEY must be passed on`);
  if (app.read_only !== 'true') problems.push(`${name} should run with read_only: true`);
  if (!app.healthcheck?.test) problems.push(`${name} needs a healthcheck`);
  if (app.ports) problems.push(`${name} must not publish a port: the proxy is the way in`);
}

// The proxy: the repository's nginx files, every instance in both upstreams.
const proxy = services.proxy ?? {};
if (!services.proxy) problems.push('service "proxy" (nginx) is missing');
for (const target of ['/etc/nginx/nginx.conf', '/etc/nginx/upstreams.conf']) {
  if (!mounts(proxy, target)) problems.push(`proxy must mount the repository's ${target}`);
}
for (const name of apps) {
  if (!waitsHealthy(proxy, name)) problems.push(`proxy must wait for ${name} to be healthy`);
}
if (!proxy.healthcheck?.test) problems.push('proxy needs a healthcheck');
const upstreamsFile = 'deploy/nginx/upstreams.conf';
if (existsSync(upstreamsFile)) {
  const upstreams = upstreamBlocks(readFileSync(upstreamsFile, 'utf8'));
  for (const block of ['escap_app', 'escap_socket']) {
    const servers = upstreams[block];
    if (!servers) {
      problems.push(`${upstreamsFile}: upstream ${block} is missing`);
      continue;
    }
    const missing = apps.filter((name) => !servers.includes(name));
    const unknown = servers.filter((name) => !apps.includes(name));
    if (missing.length) problems.push(`${upstreamsFile}: ${block} lacks ${missing.join(', ')}`);
    if (unknown.length) problems.push(`${upstreamsFile}: ${block} names ${unknown.join(', ')}`);
  }
} else {
  problems.push(`${upstreamsFile} not found`);
}

// The image: a supported Node LTS, not root.
const dockerfile = existsSync('Dockerfile') ? readFileSync('Dockerfile', 'utf8') : '';
const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
if (bases.length === 0 || !bases.every((b) => /^node:(22|24)[.-]/.test(b)))
  problems.push(`Dockerfile: every stage on Node 22 or 24 (found ${bases.join(', ') || 'none'})`);
const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
if (users.length === 0 || ['root', '0'].includes(users.at(-1)))
  problems.push('Dockerfile: the runtime stage must switch to a user other than root');
if (problems.length > 0) fail(`${file}:\n  - ${problems.join('\n  - ')}`);

console.log(`${tag} ${file} is valid (${toolName}); services: ${Object.keys(services).join(', ')}`);

/** `upstream NAME { ... server HOST:PORT ...; }` blocks of an nginx file: the hosts of each. */
function upstreamBlocks(text) {
  const blocks = {};
  const code = text.replace(/#.*$/gm, '');
  for (const m of code.matchAll(/upstream\s+(\w+)\s*\{([^}]*)\}/g)) {
    blocks[m[1]] = [...m[2].matchAll(/^\s*server\s+([\w.-]+)(?::\d+)?/gm)].map((s) => s[1]);
  }
  return blocks;
}

/**
 * Parses the block-style YAML that `config` prints, just enough for the checks above:
 * mappings become objects, sequences become arrays of item text (an item's continuation
 * lines are appended), scalar values are strings; multi-line scalars are truncated.
 */
function parseBlockYaml(text) {
  const root = {};
  const frames = [{ indent: 0, obj: root }]; // open mappings, innermost last
  let pending = null; // a key without an inline value, waiting for its children
  let seq = null; // { indent, items } while reading a sequence
  let cont = null; // { indent, append? } swallows deeper continuation lines
  const unquote = (s) => s.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');

  for (const raw of text.split('\n')) {
    if (!raw.trim() || /^\s*#/.test(raw)) continue;
    const indent = raw.search(/\S/);
    const line = raw.trim();
    if (cont && indent > cont.indent) {
      cont.append?.(line);
      continue;
    }
    cont = null;

    if (line === '-' || line.startsWith('- ')) {
      if (pending && indent >= pending.indent) {
        seq = { indent, items: (pending.obj[pending.key] = []) };
        pending = null;
      }
      if (!seq || seq.indent !== indent) continue; // not a shape `config` prints
      const items = seq.items;
      items.push(line.slice(2));
      cont = { indent, append: (more) => (items[items.length - 1] += ` ${more}`) };
      continue;
    }
    if (seq && indent <= seq.indent) seq = null;

    const match = /^('[^']*'|"[^"]*"|[^:]+?):(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    if (pending && indent > pending.indent) {
      const obj = (pending.obj[pending.key] = {});
      frames.push({ indent, obj });
    }
    pending = null;
    while (frames.length > 1 && frames[frames.length - 1].indent > indent) frames.pop();
    const obj = frames[frames.length - 1].obj;
    const key = unquote(match[1]);
    if (match[2] === undefined || match[2] === '') {
      obj[key] = null;
      pending = { obj, key, indent };
    } else {
      obj[key] = unquote(match[2]);
      cont = { indent };
    }
  }
  return root;
}

#!/usr/bin/env node
// Validates docker-compose.yml with the installed Compose tool (no Docker engine needed) and
// asserts the few structural facts the deployment relies on.
// Usage: node scripts/compose-check.mjs [compose-file]   (or COMPOSE_CHECK_FILE=...)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
for (const name of ['mongo', 'redis', 'app']) {
  if (!services[name]) problems.push(`service "${name}" is missing`);
}
const app = services.app ?? {};
const dependsOn = Array.isArray(app.depends_on)
  ? app.depends_on
  : Object.keys(app.depends_on ?? {});
for (const dep of ['mongo', 'redis']) {
  if (!dependsOn.includes(dep)) problems.push(`app must depend on ${dep}`);
  const condition = app.depends_on?.[dep]?.condition;
  if (condition && condition !== 'service_healthy') {
    problems.push(`app should wait for ${dep} to be healthy (condition: ${condition})`);
  }
}
const mongo = services.mongo ?? {};
if (!mongo.healthcheck?.test) problems.push('mongo needs a healthcheck');
if (!Array.isArray(mongo.volumes) || !mongo.volumes.some((v) => v.includes('/data/db'))) {
  problems.push('mongo needs a volume mounted at /data/db');
}
if (problems.length > 0) fail(`${file}:\n  - ${problems.join('\n  - ')}`);

console.log(`${tag} ${file} is valid (${toolName}); services: ${Object.keys(services).join(', ')}`);

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

#!/usr/bin/env node
// Makes `npm test`, `npm run storm` and `npm run bench` work on a fresh clone: installs
// dependencies if they are missing, builds the addon if it is missing or older than
// its sources, compiles the TypeScript and bundles the command (scripts/bundle-cli.js). Each step runs only when needed, and says
// in one line what it does; the tools' own output (npm, node-gyp's ~75 lines) is shown
// only when a step fails, or always with NLROUTE_VERBOSE=1.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const verbose = process.env.NLROUTE_VERBOSE === '1';

/** Runs `command` quietly; `what` (if given) is announced with the time it took. */
function run(command, what) {
  const started = Date.now();
  if (what) process.stderr.write(`nlroute: ${what}... `);
  const r = spawnSync(command, {
    cwd: root,
    shell: true,
    encoding: 'utf8',
    stdio: verbose ? 'inherit' : 'pipe',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) {
    if (what) process.stderr.write('failed\n');
    if (!verbose) process.stderr.write(`${r.stdout}${r.stderr}`);
    process.stderr.write(`nlroute: "${command}" failed (status ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  if (what) process.stderr.write(`done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

function newestSource() {
  const list = fs
    .readFileSync(path.join(root, 'native', 'sources.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const dirs = new Set(list.map((f) => path.dirname(f)));
  let newest = fs.statSync(path.join(root, 'binding.gyp')).mtimeMs;
  for (const dir of dirs) {
    for (const f of fs.readdirSync(path.join(root, dir))) {
      newest = Math.max(newest, fs.statSync(path.join(root, dir, f)).mtimeMs);
    }
  }
  return newest;
}

function main() {
  if (!fs.existsSync(path.join(root, 'node_modules', 'node-addon-api'))) {
    const install = fs.existsSync(path.join(root, 'package-lock.json')) ? 'npm ci' : 'npm install';
    run(`${install} --no-audit --no-fund`, `first run: installing dependencies and building the addon (${install}, about a minute)`);
  }
  const addon = path.join(root, 'build', 'Release', 'nlroute.node');
  if (!fs.existsSync(addon) || fs.statSync(addon).mtimeMs < newestSource()) {
    run('npx node-gyp rebuild', 'building the addon from native/ (node-gyp)');
  }
  run('npx tsc -p tsconfig.json');
  run('node scripts/bundle-cli.js');
}

// `node scripts/ensure-built.js` sets up; test/unit/ensure-built loads it to try run().
if (require.main === module) main();
else module.exports = { run };

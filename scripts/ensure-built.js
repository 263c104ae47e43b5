#!/usr/bin/env node
// Makes `npm test` work on a fresh clone: installs dependencies if they are missing,
// builds the addon if it is missing or older than its sources, and compiles the
// TypeScript. Each step runs only when needed.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

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

if (!fs.existsSync(path.join(root, 'node_modules', 'node-addon-api'))) {
  run(fs.existsSync(path.join(root, 'package-lock.json')) ? 'npm ci' : 'npm install');
}
const addon = path.join(root, 'build', 'Release', 'nlroute.node');
if (!fs.existsSync(addon) || fs.statSync(addon).mtimeMs < newestSource()) run('npx node-gyp rebuild');
run('npx tsc -p tsconfig.json');

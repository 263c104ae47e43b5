#!/usr/bin/env node
// clang-format over the native sources: `--check` (npm run lint) fails on any file
// that is not formatted, without changing it; no argument (npm run format) rewrites.
// The style is .clang-format at the root. clang-format comes from the system
// (Debian: apt install clang-format), as the C++ compiler does.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const check = process.argv.includes('--check');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(cc|h)$/.test(entry.name) ? [full] : [];
  });
}

const files = sources(path.join(root, 'native')).sort();
const args = check ? ['--dry-run', '--Werror', ...files] : ['-i', ...files];
const run = spawnSync('clang-format', args, { stdio: 'inherit' });
if (run.error) {
  console.error(`clang-format: ${run.error.message} (Debian: apt install clang-format)`);
  process.exit(1);
}
if (run.status === 0) console.log(`clang-format: ${files.length} files ${check ? 'formatted' : 'rewritten'}`);
process.exit(run.status ?? 1);

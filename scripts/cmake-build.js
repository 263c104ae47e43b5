#!/usr/bin/env node
// The second build of the addon, through cmake-js, into build-cmake/ (it never
// touches the node-gyp build that the library loads). Used for sanitizer and fuzz
// builds: `npm run build:cmake -- --CDNLROUTE_SANITIZE=address,undefined`.
// Node's headers come from npm's `nodedir` (or next to this node), so nothing is downloaded.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
}
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
execFileSync(process.execPath, [cmakeJs, 'compile', '--directory', root, '--out', path.join(root, 'build-cmake'), ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const built = path.join(root, 'build-cmake', 'Release', 'nlroute.node');
const fallback = path.join(root, 'build-cmake', 'nlroute.node');
const output = fs.existsSync(built) ? built : fallback;
if (!fs.existsSync(output)) {
  console.error('cmake-js finished but no nlroute.node was produced');
  process.exit(1);
}
console.log(`cmake-js build: ${path.relative(root, output)}`);

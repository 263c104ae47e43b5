#!/usr/bin/env node
// The second build of the addon, through cmake-js, into build-cmake/ (it never
// touches the node-gyp build that the library loads). The sanitizer and fuzz builds
// have scripts of their own (test-sanitize.js, fuzz.js), each with its own folder.
'use strict';
const path = require('node:path');
const { builtFile, cmakeJsCompile, root } = require('./cmake-js');

const out = cmakeJsCompile(path.join(root, 'build-cmake'), process.argv.slice(2));
const addon = builtFile(out, 'nlroute.node');
if (!addon) {
  console.error('cmake-js finished but no nlroute.node was produced');
  process.exit(1);
}
console.log(`cmake-js build: ${path.relative(root, addon)}`);

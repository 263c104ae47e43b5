#!/usr/bin/env node
// The `nlroute` command (package.json "bin"). The CLI itself is lib/cli/main.ts; the
// build also bundles it into one file (scripts/bundle-cli.js), which starts faster.
// The bundle is used only when it is at least as new as the modules it was made from,
// so a bare `tsc` during development never leaves the command running old code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'lib');
const BUNDLE = path.join(dist, 'cli.bundle.js');
const MODULES = path.join(dist, 'cli', 'main.js');

/** The bundle when it is usable, else undefined. */
function bundleToRun() {
  try {
    if (fs.statSync(BUNDLE).mtimeMs >= fs.statSync(MODULES).mtimeMs) return BUNDLE;
  } catch {
    // no bundle (or no dist at all, which the modules' require reports)
  }
  return undefined;
}

/**
 * Runs the bundle as require() would, but compiled with the V8 code cache the build left
 * beside it: compiling the bundle is a good part of a short command's time. The cache is
 * used only when it names this very bundle (V8 itself checks the node version and flags
 * and rejects a cache that does not fit them; the command then compiles as usual).
 */
function loadBundle(file) {
  const vm = require('node:vm');
  const { createRequire, wrap } = require('node:module');
  const source = fs.readFileSync(file, 'latin1'); // ASCII: esbuild escapes the rest
  const script = new vm.Script(wrap(source), { filename: file, cachedData: cacheOf(file, source) });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, cacheRejected: script.cachedDataRejected };
}

/** The code cache made for this bundle (scripts/bundle-cli.js), or undefined. */
function cacheOf(file, source) {
  let cache;
  try {
    cache = fs.readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  // The bundle ends with a line naming its build; the cache starts with the same line.
  const id = source.slice(source.lastIndexOf('\n', source.length - 2) + 1);
  if (!id.startsWith('//# nlroute-build ') || cache.toString('latin1', 0, id.length) !== id) return undefined;
  return cache.subarray(id.length);
}

if (require.main === module) {
  const bundle = bundleToRun();
  (bundle ? loadBundle(bundle).exports : require(MODULES)).run();
} else {
  module.exports = { loadBundle };
}

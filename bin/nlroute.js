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
/** How the bundle's last line, and its code cache's first, begin: then a hash of the bundle. */
const BUILD_LINE = '//# nlroute-build ';

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
  const source = fs.readFileSync(file, 'latin1'); // ASCII: esbuild escapes the rest
  const script = compileBundle(file, source, cacheOf(file, source));
  return { exports: runBundle(script, file), cacheRejected: script.cachedDataRejected };
}

/** The bundle compiled as a CommonJS module's wrapper (scripts/bundle-cli.js makes its cache from the same). */
function compileBundle(file, source, cachedData) {
  const { Script } = require('node:vm');
  const { wrap } = require('node:module');
  return new Script(wrap(source), { filename: file, cachedData });
}

/** Runs the compiled wrapper with the module arguments require() would give it; its exports. */
function runBundle(script, file) {
  const module = { exports: {} };
  const moduleRequire = require('node:module').createRequire(file);
  script.runInThisContext().call(module.exports, module.exports, moduleRequire, module, file, path.dirname(file));
  return module.exports;
}

/** The bundle's last line, which names its build (scripts/bundle-cli.js writes it). */
function buildLineOf(source) {
  return source.slice(source.lastIndexOf('\n', source.length - 2) + 1);
}

/** The code cache made for this bundle (scripts/bundle-cli.js), or undefined. */
function cacheOf(file, source) {
  let cache;
  try {
    cache = fs.readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  // The cache starts with the line that names the build it was made for.
  const id = buildLineOf(source);
  if (!id.startsWith(BUILD_LINE) || cache.toString('latin1', 0, id.length) !== id) return undefined;
  return cache.subarray(id.length);
}

if (require.main === module) {
  const bundle = bundleToRun();
  (bundle ? loadBundle(bundle).exports : require(MODULES)).run();
} else {
  module.exports = { BUILD_LINE, loadBundle, compileBundle, runBundle, buildLineOf };
}

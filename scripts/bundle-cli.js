#!/usr/bin/env node
// Bundles the `nlroute` command into one file, dist/lib/cli.bundle.js, after tsc has
// written dist/. A fresh process then compiles one file instead of loading about sixty
// modules one by one, which on the development VM was most of the command's start-up
// above node's own (README, "The nlroute command"). bin/nlroute.js loads the bundle
// when it is at least as new as dist/lib/cli/main.js, else the modules themselves.
//
// The bundle sits in dist/lib, where lib/package-root.js does, so that __dirname means
// the same in both. ip-num (loaded lazily, for IPv6) and node-gyp-build (which finds
// the addon under the package root) stay outside, resolved from node_modules at run time.
//
// Beside it goes V8's code cache of the bundle (cli.bundle.js.cache), which
// bin/nlroute.js compiles it with: made in a child process by compiling the bundle and
// running its top level, so that every module's own function is in it. The bundle's
// last line names its build (a hash of what precedes it), and the cache starts with the
// same line: a cache is never used for another bundle. V8 checks the rest (its version,
// its flags).
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

// The command's own way of compiling the bundle, so that the cache fits it.
const { BUILD_LINE, buildLineOf, compileBundle, runBundle } = require('../bin/nlroute.js');

const root = path.join(__dirname, '..');
const outfile = path.join(root, 'dist', 'lib', 'cli.bundle.js');

function bundle() {
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'dist', 'lib', 'cli', 'main.js')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['ip-num', 'node-gyp-build'],
    logLevel: 'warning',
  });
  const bytes = fs.readFileSync(outfile);
  if (!require('node:buffer').isAscii(bytes)) throw new Error(`${outfile}: not ASCII (bin/nlroute.js reads it as latin1)`);
  const id = `${BUILD_LINE}${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 32)}\n`;
  fs.writeFileSync(outfile, Buffer.concat([bytes, Buffer.from(id, 'latin1')]));
  writeCodeCache(outfile);
}

// In a child process: a plain `node` (V8 rejects a cache made under other flags, and a
// caller of bundle() may have some), and should loading the addon crash, the build goes
// on without a cache, which the command then compiles without.
function writeCodeCache(file) {
  const r = spawnSync(process.execPath, [__filename, '--code-cache', file], { stdio: 'ignore' });
  if (r.status !== 0) fs.rmSync(`${file}.cache`, { force: true });
}

/** The child's work: compiles the bundle, runs its top level, and writes what V8 compiled. */
function codeCache(file) {
  const source = fs.readFileSync(file, 'latin1');
  const script = compileBundle(file, source);
  try {
    runBundle(script, file);
  } catch {
    // The addon is not built yet: the cache holds what compiled before that.
  }
  fs.writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(buildLineOf(source), 'latin1'), script.createCachedData()]));
}

if (require.main === module) {
  if (process.argv[2] === '--code-cache') codeCache(process.argv[3]);
  else bundle();
} else {
  module.exports = { bundle };
}

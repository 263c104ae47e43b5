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
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');

function bundle() {
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'dist', 'lib', 'cli', 'main.js')],
    outfile: path.join(root, 'dist', 'lib', 'cli.bundle.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['ip-num', 'node-gyp-build'],
    logLevel: 'warning',
  });
}

if (require.main === module) bundle();
else module.exports = { bundle };

#!/usr/bin/env node
// The `nlroute` command (package.json "bin"). The CLI itself is lib/cli/main.ts; the
// build also bundles it into one file (scripts/bundle-cli.js), which starts faster.
// The bundle is used only when it is at least as new as the modules it was made from,
// so a bare `tsc` during development never leaves the command running old code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'lib');

function entry() {
  const modules = path.join(dist, 'cli', 'main.js');
  const bundle = path.join(dist, 'cli.bundle.js');
  try {
    if (fs.statSync(bundle).mtimeMs >= fs.statSync(modules).mtimeMs) return bundle;
  } catch {
    // no bundle (or no dist at all, which the require below reports)
  }
  return modules;
}

require(entry()).run();

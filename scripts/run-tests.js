#!/usr/bin/env node
// Runs the mocha suites (compiled to dist/test) and ends with the line CI reads:
// "N passed, N failed, N skipped". Exit status is non-zero when anything failed.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');

const root = path.join(__dirname, '..', 'dist', 'test');
const only = process.argv.slice(2);

function collect(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return collect(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

// The sanitizer build runs every process several times slower: it asks for more time.
const timeout = Number(process.env.NLROUTE_TEST_TIMEOUT_MS) || 60000;
const mocha = new Mocha({ reporter: 'spec', timeout });
for (const file of collect(root).sort()) {
  if (only.length === 0 || only.some((o) => file.includes(o))) mocha.addFile(file);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const runner = mocha.run((failures) => {
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failures || failed ? 1 : 0;
});
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
runner.on('pending', () => skipped++);

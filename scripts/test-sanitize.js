#!/usr/bin/env node
// npm run test:sanitize: builds the addon with AddressSanitizer and
// UndefinedBehaviorSanitizer (cmake-js, into build-asan/, beside the normal builds)
// and runs the whole test suite against it. Node itself is not instrumented, so the
// ASan runtime is preloaded; every process the tests start (the nlroute command,
// Workers' host process, ip) inherits it and the choice of addon (NLROUTE_ADDON).
// Any finding aborts the process that has it, which fails the run.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');
const { builtFile, cmakeJsCompile, root } = require('./cmake-js');

const out = cmakeJsCompile(path.join(root, 'build-asan'), ['--CDNLROUTE_SANITIZE=address,undefined']);
const addon = builtFile(out, 'nlroute.node');
if (!addon) {
  console.error('test:sanitize: cmake-js produced no nlroute.node');
  process.exit(1);
}

const runtime = (name) => execFileSync('c++', [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();
const sanitized = {
  ...process.env,
  NLROUTE_ADDON: addon,
  NLROUTE_TEST_TIMEOUT_MS: '600000',
  LD_PRELOAD: [runtime('libasan.so'), runtime('libubsan.so')].join(' '),
  // Leaks: Node and V8 keep memory to the end of the process on purpose, and the leak
  // checker cannot tell theirs from ours at exit; leaks of ours are measured by the
  // soak (RSS over a million operations) instead. See test/sanitize.supp for the rest.
  // replace_str=0: the preload reaches every program the tests start, ip included, and
  // iproute2 6.1's print_route() calls strncpy with overlapping arguments. Only libc's
  // string functions lose their overlap checks; our own code is instrumented, so its
  // every load and store is still checked.
  ASAN_OPTIONS: [
    'detect_leaks=0',
    'abort_on_error=1',
    'halt_on_error=1',
    'detect_odr_violation=0',
    'allocator_may_return_null=1',
    'replace_str=0',
    'intercept_strlen=0',
    'intercept_strchr=0',
    'intercept_strndup=0',
  ].join(':'),
  UBSAN_OPTIONS: ['halt_on_error=1', 'print_stacktrace=1', `suppressions=${path.join(root, 'test', 'sanitize.supp')}`].join(':'),
};
console.log(`test:sanitize: running the suite against ${path.relative(root, addon)} with ASan and UBSan`);
const r = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), ...process.argv.slice(2)], {
  cwd: root,
  env: sanitized,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

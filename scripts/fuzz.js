#!/usr/bin/env node
// npm run fuzz -- [seconds]: builds the libFuzzer targets of native/fuzz/ (cmake-js,
// clang, into build-fuzz/) and runs each for `seconds` (default 60) from its seed
// corpus (native/fuzz/seeds/TARGET, real kernel dumps and packed requests; the
// working corpus grows in build-fuzz/corpus/TARGET). Prints executions and coverage
// per target and exits non-zero on any finding (the crashing input is kept in
// build-fuzz/findings/).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { builtFile, cmakeJsCompile, root } = require('./cmake-js');

const TARGETS = ['fuzz_messages', 'fuzz_packed_requests'];
const out = path.join(root, 'build-fuzz');
const seconds = Number(process.argv[2] ?? 60);
if (!Number.isInteger(seconds) || seconds < 1) {
  console.error(`usage: npm run fuzz -- [seconds per target] (got ${process.argv[2]})`);
  process.exit(2);
}

cmakeJsCompile(out, ['--CDNLROUTE_FUZZ=ON', '--CDCMAKE_CXX_COMPILER=clang++', '--CDCMAKE_C_COMPILER=clang']);

let failed = false;
// Native checks first (no kernel, no JavaScript): see native/tests/.
for (const test of ['io_thread_test']) {
  const binary = builtFile(out, test);
  const r = binary ? spawnSync(binary, [], { encoding: 'utf8' }) : { status: -1, stdout: '', stderr: `${test} was not built` };
  process.stdout.write(`${r.stdout}${r.stderr}`);
  if (r.status !== 0) failed = true;
}
for (const target of TARGETS) {
  const binary = builtFile(out, target);
  if (!binary) throw new Error(`fuzz: ${target} was not built`);
  const corpus = path.join(out, 'corpus', target);
  const findings = path.join(out, 'findings', target);
  fs.mkdirSync(corpus, { recursive: true });
  fs.mkdirSync(findings, { recursive: true });
  const seeds = path.join(root, 'native', 'fuzz', 'seeds', target);
  const r = spawnSync(
    binary,
    [
      corpus,
      seeds,
      `-max_total_time=${seconds}`,
      '-print_final_stats=1',
      `-artifact_prefix=${findings}/`,
      '-timeout=10',
      '-rss_limit_mb=2048',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const log = `${r.stdout}${r.stderr}`;
  const runs = /stat::number_of_executed_units:\s*(\d+)/.exec(log)?.[1] ?? '?';
  const done = [...log.matchAll(/#\d+\s+(?:DONE|pulse|NEW|REDUCE)\s+cov: (\d+) ft: (\d+)/g)].pop();
  const ok = r.status === 0;
  console.log(
    `${target}: ${ok ? 'no findings' : `FINDING (exit ${r.status})`}, ${runs} executions in ${seconds} s, coverage ${done ? `${done[1]} edges, ${done[2]} features` : '?'}`,
  );
  if (!ok) {
    failed = true;
    console.log(
      log
        .split('\n')
        .filter((l) => /ERROR|SUMMARY|runtime error|#\d+ 0x|Test unit written/.test(l))
        .slice(0, 40)
        .join('\n'),
    );
  }
}
process.exit(failed ? 1 : 0);

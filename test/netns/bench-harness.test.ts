// The benchmark harness checked, not timed: its smoke profile (the smallest sizes,
// one run each) must run every workload and method, have each of them do its work
// (the harness checks each namespace is back to its initial state and throws
// otherwise), write its three outputs and leave no namespace behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { skipUnlessRoot } from '../helpers/netns';

describe('benchmark harness (smoke profile)', function () {
  before(function () {
    skipUnlessRoot(this, 'benchmark harness');
  });

  it('measures every workload with every method and writes its results', function () {
    const root = path.join(__dirname, '..', '..', '..');
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'bench', 'harness.js'), 'smoke'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const dir = path.join(root, 'bench-results', 'smoke');
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
      cells: Array<{ workload: string; method: string; kind: string; samples: Array<{ ops: number; wallMs: number }> }>;
    };
    const workloads = new Set(results.cells.map((c) => c.workload));
    for (const w of ['W1', 'W2', 'W3', 'W3a', 'W4', 'W5', 'W6', 'W8', 'W9', 'W10']) assert.ok(workloads.has(w), `${w} missing`);
    assert.ok([...workloads].some((w) => w.startsWith('W7/')));
    // The cold cells: each run a fresh process's first work, beside the warm ones.
    const methods = new Set(results.cells.map((c) => `${c.workload} ${c.method}`));
    for (const m of ['W2 nlroute Promise.all', 'W2 nlroute Promise.all, cold', 'W4 nlroute awaited, cold'])
      assert.ok(methods.has(m), `${m} missing`);
    for (const cell of results.cells) {
      assert.equal(cell.samples.length, 1, `${cell.workload} ${cell.method}`);
      assert.ok(cell.samples[0].ops > 0 && cell.samples[0].wallMs > 0, `${cell.workload} ${cell.method} did no work`);
    }
    const kinds = new Set(results.cells.map((c) => c.kind));
    for (const kind of ['nlroute', 'raw', 'ip-batch', 'ip', 'cli', 'floor']) assert.ok(kinds.has(kind), `no ${kind} method ran`);
    const report = fs.readFileSync(path.join(dir, 'results.md'), 'utf8');
    assert.match(report, /## Targets/);
    // W9's target compares CPU with node's own start: both were measured.
    assert.match(report, /\| W9 \| ≤ 15 ms CPU above node -e 0 \| -?\d+ ms above \(\d+ against \d+ ms\) \|/);
    // Every target is judged: none names a method or reference that did not run.
    const targets = report.slice(report.indexOf('## Targets')).split('\n\n')[1].split('\n').slice(2);
    assert.ok(targets.length > 10, `only ${targets.length} targets read from the report`);
    for (const row of targets) assert.match(row, /\| (met|\*\*missed\*\*) \|$/, row);
    for (const w of ['W1', 'W2'])
      assert.ok(
        targets.some((row) => row.startsWith(`| ${w} | CLI -batch ≤ 1.0× ip -batch |`)),
        `${w}: no CLI target`,
      );
    assert.match(fs.readFileSync(path.join(dir, 'chart.svg'), 'utf8'), /^<svg/);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => /^nlr-(bench|w8)/.test(l));
    assert.deepEqual(left, []);
  });
});

// The test command is mocha's own (with .mocharc.js), so `npm test -- --grep X` selects
// tests, a grep that selects nothing fails, and the run ends with the summary line CI
// reads. Run here in a child process on this very file's neighbours.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
// What `npm test -- ARGS` runs: the suites package.json names, then the arguments.
const SUITES = ['dist/test/unit/**/*.test.js', 'dist/test/netns/**/*.test.js'];
const mocha = (...args: string[]) =>
  spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), ...SUITES, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('the test command', () => {
  it('selects tests with --grep and ends with the summary line', function () {
    this.timeout(120_000);
    const r = mocha('--grep', 'has a LICENSE that matches');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\n1 passed, 0 failed, 0 skipped\n$/);
  });

  it('fails when --grep selects nothing', function () {
    this.timeout(120_000);
    const r = mocha('--grep', 'a test title nobody wrote');
    assert.notEqual(r.status, 0);
  });

  it('is the command package.json runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.test, `mocha ${SUITES.map((s) => `'${s}'`).join(' ')}`);
  });

  it('runs the unit tests before the ones that need root', function () {
    this.timeout(120_000);
    const r = mocha('--dry-run');
    assert.equal(r.status, 0, r.stderr);
    const unit = r.stdout.indexOf('structure of lib/');
    const netns = r.stdout.indexOf('handles and namespaces');
    assert.ok(unit >= 0 && netns > unit, 'unit suites come first');
  });
});

// The `nlroute` command runs from one bundled file (scripts/bundle-cli.js) when the
// build made it and it is not older than the modules; otherwise from the modules, so
// that a bare `tsc` never leaves the command running old code. How much faster it
// starts is the benchmark's to say (W9), not a test's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'nlroute.js');
const BUNDLE = path.join(ROOT, 'dist', 'lib', 'cli.bundle.js');
const MODULES = path.join(ROOT, 'dist', 'lib', 'cli', 'main.js');

/** Runs `nlroute -V` and says which of the two the command loaded. */
function versionRun(): { stdout: string; loaded: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-bundle-'));
  try {
    const report = path.join(dir, 'loaded.json');
    const preload = path.join(dir, 'preload.js');
    fs.writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.keys(require.cache))));`,
    );
    const r = spawnSync(process.execPath, ['-r', preload, BIN, '-V'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const loaded = (JSON.parse(fs.readFileSync(report, 'utf8')) as string[]).filter((f) => f === BUNDLE || f === MODULES);
    return { stdout: r.stdout, loaded };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the command from one bundled file', () => {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  it('the build bundles the command, and the command runs from the bundle', () => {
    assert.ok(fs.statSync(BUNDLE).mtimeMs >= fs.statSync(MODULES).mtimeMs, 'the bundle is older than the modules');
    const { stdout, loaded } = versionRun();
    assert.deepEqual(loaded, [BUNDLE]);
    // The package root, found from the bundle's own place: the version comes from package.json.
    assert.equal(stdout.trim(), `nlroute ${version}`);
  });

  it('runs from the modules when they are newer than the bundle (a tsc without the bundling step)', () => {
    const { atime, mtime } = fs.statSync(MODULES);
    const later = new Date(fs.statSync(BUNDLE).mtimeMs + 60_000);
    fs.utimesSync(MODULES, later, later);
    try {
      const { stdout, loaded } = versionRun();
      assert.deepEqual(loaded, [MODULES]);
      assert.equal(stdout.trim(), `nlroute ${version}`);
    } finally {
      fs.utimesSync(MODULES, atime, mtime);
    }
  });
});

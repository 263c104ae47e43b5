// The `nlroute` command runs from one bundled file (scripts/bundle-cli.js) when the
// build made it and it is not older than the modules; otherwise from the modules, so
// that a bare `tsc` never leaves the command running old code. The bundle is compiled
// with the code cache the build made for it, and never with one made for another.
// How much faster it starts is the benchmark's to say (W9), not a test's.
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
    // The modules are require()d; the bundle is read and compiled by bin/nlroute.js.
    fs.writeFileSync(
      preload,
      `const fs = require('node:fs'); const read = fs.readFileSync; const files = [];
       fs.readFileSync = (file, ...rest) => (files.push(String(file)), read(file, ...rest));
       process.on('exit', () => fs.writeFileSync(${JSON.stringify(report)}, JSON.stringify([...new Set([...files, ...Object.keys(require.cache)])])));`,
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

  it("compiles the bundle with the build's code cache, and never with a cache made for another bundle", () => {
    const loadBundle = (file: string) =>
      spawnSync(
        process.execPath,
        [
          '-e',
          `const r = require(${JSON.stringify(BIN)}).loadBundle(${JSON.stringify(file)}); console.log(String(r.cacheRejected), typeof r.exports.run)`,
        ],
        { encoding: 'utf8' },
      );
    const own = loadBundle(BUNDLE);
    assert.equal(own.stdout.trim(), 'false function', own.stderr); // offered, and V8 took it

    // Another build of the same length: the last line names another build. It lies
    // beside the bundle, to find what the bundle finds from there.
    const other = path.join(ROOT, 'dist', 'lib', `cli.other-build-${process.pid}.js`);
    try {
      const source = fs.readFileSync(BUNDLE, 'latin1');
      const idAt = source.lastIndexOf('//# nlroute-build ');
      assert.ok(idAt > 0, 'the bundle does not name its build');
      fs.writeFileSync(
        other,
        source.slice(0, idAt) + source.slice(idAt).replace(/[0-9a-f](?=\n$)/, (d) => (d === '0' ? '1' : '0')),
        'latin1',
      );
      fs.copyFileSync(`${BUNDLE}.cache`, `${other}.cache`);
      const stale = loadBundle(other);
      assert.equal(stale.stdout.trim(), 'undefined function', stale.stderr); // not offered to V8
    } finally {
      fs.rmSync(other, { force: true });
      fs.rmSync(`${other}.cache`, { force: true });
    }
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

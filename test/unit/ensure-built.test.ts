// The first-run setup (scripts/ensure-built.js, before npm test, storm and bench) says
// what it does in one line per step: a tool's own output (npm ci, node-gyp's ~75 lines)
// is shown only when the step fails, and then in full, or always with NLROUTE_VERBOSE=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ENSURE_BUILT = path.join(__dirname, '..', '..', '..', 'scripts', 'ensure-built.js');

/** Runs ensure-built's step runner on `command` in a child process, as the setup does. */
function step(command: string, env: NodeJS.ProcessEnv = {}) {
  const script = `require(${JSON.stringify(ENSURE_BUILT)}).run(${JSON.stringify(command)}, 'a noisy step')`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
}

const NOISY = `"${process.execPath}" -e "for (let i = 0; i < 80; i++) console.log('gyp info line ' + i)"`;

describe('first-run setup output', () => {
  it('a step that succeeds is one line, whatever its tool printed', () => {
    const r = step(NOISY, { NLROUTE_VERBOSE: '' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^nlroute: a noisy step\.\.\. done \(\d+ s\)\n$/);
  });

  it("a step that fails shows its tool's whole output and its status", () => {
    const r = step(`${NOISY} && exit 3`, { NLROUTE_VERBOSE: '' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /^nlroute: a noisy step\.\.\. failed\n/);
    assert.equal((r.stderr.match(/gyp info line \d+/g) ?? []).length, 80);
    assert.match(r.stderr, /failed \(status 3\)\n$/);
  });

  it('NLROUTE_VERBOSE=1 shows the output as it comes', () => {
    const r = step(NOISY, { NLROUTE_VERBOSE: '1' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.stdout.match(/gyp info line \d+/g) ?? []).length, 80);
  });
});

// The storm's command line, without root: --help prints the profiles and options and runs
// nothing; an unknown option or a second profile is refused with the usage text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { PROFILES } from '../../scripts/dvr-topology';

const STORM = path.join(__dirname, '..', '..', 'scripts', 'dvr-storm.js');
const storm = (...args: string[]) => spawnSync(process.execPath, [STORM, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('the storm command', () => {
  it('--help lists every profile and option and builds nothing', () => {
    for (const flag of ['--help', '-h']) {
      const r = storm(flag);
      assert.equal(r.status, 0, r.stderr);
      for (const name of Object.keys(PROFILES)) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
      assert.match(r.stdout, /--seed N/);
      assert.match(r.stdout, /--progress/);
      assert.doesNotMatch(r.stderr, /building/);
    }
  });

  it('takes --progress and --no-progress', () => {
    for (const flag of ['--progress', '--no-progress']) {
      const r = storm(flag, '--help');
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it('refuses an unknown option, a bad seed and two profiles, with the usage', () => {
    for (const args of [['--bogus'], ['--seed', 'x'], ['smoke', 'typical']]) {
      const r = storm(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /usage: npm run storm/);
    }
  });
});

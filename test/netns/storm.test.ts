// The README's main job, end to end: the FIP storm checks the node after every phase
// itself and fails on the first problem; here it must finish and leave no namespace
// behind, on the smoke profile and on the dual-stack one (IPv6 subnets, extra routes,
// address scopes, two external networks).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { skipUnlessRoot } from '../helpers/netns';

describe('FIP storm', function () {
  before(function () {
    skipUnlessRoot(this, 'FIP storm');
  });

  for (const profile of ['smoke', 'dual-stack']) {
    it(`runs every phase of the ${profile} profile, checked, and cleans up`, function () {
      const namespaces = () =>
        spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter((l) => l.startsWith('storm-'));
      const before = namespaces();
      const script = path.join(__dirname, '..', '..', 'scripts', 'dvr-storm.js');
      const r = spawnSync(process.execPath, [script, profile, '--seed', '7'], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, r.stderr);
      for (const phase of [
        'associate burst',
        'disassociate burst',
        'churn',
        'resync, 10% drift',
        'drift while watching',
        'resync after field faults',
        'router teardown',
      ]) {
        assert.match(r.stdout, new RegExp(`\\| ${phase}`));
      }
      assert.match(r.stdout, /a second resync changed nothing/);
      assert.match(
        r.stdout,
        /time to repair per round: p50 [\d.]+ ms, p99 [\d.]+ ms.* no resync; a round with 4 KiB buffers \(\d+ drifted objects, \d+ overflows\) ended correct/,
      );
      assert.deepEqual(namespaces(), before);
    });
  }
});

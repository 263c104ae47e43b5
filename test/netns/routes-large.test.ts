// A 100k-route table: listed completely and correctly (the speed is measured by
// the benchmark harness's W3 workload, scripts/bench/workloads.ts, never asserted here).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { describeInNamespace } from '../helpers/netns';

const COUNT = 100_000;

describeInNamespace('routes: a 100k-route table', (ns) => {
  it('is listed whole, in the order ip shows it, and flushed', async function () {
    const n = ns();
    n.ip('addr add 10.255.0.1/24 dev v0');
    // `ip -batch` builds the table: an independent writer for what nlroute reads.
    const lines: string[] = [];
    for (let i = 0; i < COUNT; i++) lines.push(`route add ${20 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}.0/24 via 10.255.0.2 table 100`);
    const r = spawnSync('ip', ['-n', n.name, '-batch', '-'], { input: lines.join('\n'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);

    const h = await n.handle();
    const routes = await h.routes.list({ table: 100 });
    assert.equal(routes.length, COUNT);
    const shown = n.ip('route show table 100').trim().split('\n');
    assert.equal(shown.length, COUNT);
    for (const i of [0, 1, 4242, COUNT - 1]) {
      assert.equal(`${routes[i].dst} via ${routes[i].via} dev ${routes[i].dev}`, shown[i].trim());
      assert.equal(routes[i].table, 100);
    }
    // The main table is unaffected and listed on its own.
    assert.deepEqual(
      (await h.routes.list({ family: 4 })).map((x) => x.dst),
      ['10.255.0.0/24'],
    );
    assert.equal(await h.routes.flush({ table: 100 }), COUNT);
    assert.equal(n.ip('route show table 100').trim(), '');
  });
});

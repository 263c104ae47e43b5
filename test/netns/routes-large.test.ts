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

  it('lists whole and exact after a bigger or a smaller listing, on any handle of the process', async function () {
    // Each listing's buffers are sized like the last one in the process, then given
    // back when far too big: a smaller, a bigger and an equal listing must all be exact.
    const n = ns();
    n.ip('addr add 10.254.0.1/24 dev v0');
    const fill = (table: number, from: number, to: number) => {
      const lines: string[] = [];
      for (let i = from; i < to; i++) lines.push(`route add 30.${(i >> 8) & 0xff}.${i & 0xff}.0/24 via 10.254.0.2 table ${table}`);
      const r = spawnSync('ip', ['-n', n.name, '-batch', '-'], { input: lines.join('\n'), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    const witness = (table: number) =>
      n
        .ipJson<{ dst: string; gateway: string; dev: string }[]>(`route show table ${table}`)
        .map((r) => `${r.dst} via ${r.gateway} dev ${r.dev}`);
    const ours = async (h: Awaited<ReturnType<typeof n.handle>>, table: number) =>
      (await h.routes.list({ table })).map((r) => `${r.dst} via ${r.via} dev ${r.dev}`);
    fill(100, 0, 3000);
    fill(101, 0, 2);
    const first = await n.handle();
    const second = await n.handle();
    assert.deepEqual(await ours(first, 100), witness(100));
    assert.deepEqual(await ours(second, 101), witness(101)); // far smaller than the last
    assert.deepEqual(await ours(second, 100), witness(100)); // bigger than the last
    fill(100, 3000, 5000); // beyond what the last listing of it reserves
    const grown = await ours(first, 100);
    assert.equal(grown.length, 5000);
    assert.deepEqual(grown, witness(100));
  });
});

// Rollback restores order too: IPv4 routes that share a key (aliases) and rules that
// share a priority go back exactly where they were. 100 seeded random batches, each
// ending in an operation that fails (so each rolls back), must leave `ip -d` dumps
// byte-identical to the ones before.
import assert from 'node:assert/strict';

import type { Batch } from '../../lib';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';

type Step = (b: Batch) => void;

function candidates(): Step[] {
  const steps: Step[] = [];
  for (const via of ['10.1.0.2', '10.1.0.3', '10.1.0.4']) steps.push((b) => b.routes.delete({ dst: '10.50.0.0/16', via, table: 100 }));
  for (const via of ['10.1.0.5', '10.1.0.6']) {
    steps.push((b) => b.routes.append({ dst: '10.50.0.0/16', via, table: 100 }));
    steps.push((b) => b.routes.prepend({ dst: '10.50.0.0/16', via, table: 100 }));
  }
  steps.push((b) => b.routes.replace({ dst: '10.50.0.0/16', via: '10.1.0.7', table: 100 }));
  steps.push((b) => b.routes.change({ dst: '10.51.0.0/16', via: '10.1.0.9', metric: 5, table: 100 }));
  for (const via of ['10.1.0.2', '10.2.0.2']) steps.push((b) => b.routes.delete({ dst: '10.51.0.0/16', via, metric: 5, table: 100 }));
  steps.push((b) => b.routes.append({ dst: '10.51.0.0/16', via: '10.2.0.3', metric: 5, table: 100 }));
  for (const k of [1, 2, 3]) steps.push((b) => b.rules.delete({ priority: 100, from: `10.9.0.${k}`, table: 10 + k }));
  steps.push((b) => b.rules.add({ priority: 100, from: '10.9.0.9', table: 19 }));
  steps.push((b) => b.rules.add({ priority: 100, from: '10.9.0.1', table: 11 }));
  for (const k of [4, 5]) steps.push((b) => b.rules.delete({ priority: 200, from: `10.9.0.${k}`, table: 10 + k }));
  return steps;
}

/** A small seeded generator (mulberry32), so a failing batch can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dumps(ns: ScratchNamespace): string {
  return `${ns.ip('-d route show table 100')}\n${ns.ip('-d rule show')}`;
}

describeInNamespace('rollback restores the exact order of aliases and of rules sharing a priority', (ns) => {
  it('100 random rollback batches each leave byte-identical ip -d dumps', async function () {
    this.timeout(120_000);
    const scratch = ns().withTestAddresses();
    for (const via of ['10.1.0.2', '10.1.0.3', '10.1.0.4']) scratch.ip(`route append 10.50.0.0/16 via ${via} table 100`);
    for (const via of ['10.1.0.2', '10.2.0.2']) scratch.ip(`route append 10.51.0.0/16 via ${via} metric 5 table 100`);
    for (const k of [1, 2, 3]) scratch.ip(`rule add pref 100 from 10.9.0.${k} table ${10 + k}`);
    for (const k of [4, 5]) scratch.ip(`rule add pref 200 from 10.9.0.${k} table ${10 + k}`);
    const h = await scratch.handle();
    const steps = candidates();
    const before = dumps(scratch);
    const random = seeded(12);
    for (let n = 0; n < 100; n++) {
      const batch = h.batch();
      const picked: number[] = [];
      for (let k = 1 + Math.floor(random() * 5); k > 0; k--) {
        const s = Math.floor(random() * steps.length);
        picked.push(s);
        steps[s](batch);
      }
      batch.routes.delete({ dst: '10.99.0.0/16', table: 100 }); // ESRCH: the batch rolls back
      const results = await batch.commit({ onError: 'rollback' });
      assert.ok(!results.some((r) => r.status === 'rollback-failed'), `batch ${n} (steps ${picked.join(',')}): ${JSON.stringify(results)}`);
      assert.equal(dumps(scratch), before, `batch ${n} (steps ${picked.join(',')}) did not restore the kernel exactly`);
    }
  });
});

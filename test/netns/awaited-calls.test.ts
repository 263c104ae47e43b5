// A lone awaited change is answered while its call waits briefly for the kernel
// (native/addon/handover.h), not through the event loop. What that must not change:
// results and errors are the same, and a loop of awaited calls still lets the event
// loop turn every few milliseconds (the native side stops waiting briefly once the
// current turn has run 3 ms).
import assert from 'node:assert/strict';

import { NetlinkError } from '../../lib/errors';
import { countLoopTurns } from '../helpers/loop-turns';
import { describeInNamespace } from '../helpers/netns';

describeInNamespace('awaited single calls', (ns) => {
  it('answered at once, they keep their results, errors and extended ACK text', async () => {
    const h = await ns().handle();
    const rule = { priority: 1000, from: '10.1.0.0/16', table: 100 };
    for (let round = 0; round < 200; round++) {
      await h.rules.add(rule);
      await assert.rejects(h.rules.add(rule), (e: unknown) => e instanceof NetlinkError && e.code === 'EEXIST');
      await h.rules.delete(rule);
      await assert.rejects(h.rules.delete(rule), (e: unknown) => e instanceof NetlinkError && e.code === 'ENOENT');
    }
    await assert.rejects(
      h.routes.add({ dst: '10.32.0.0/16', via: '10.9.9.9' }),
      (e: unknown) => e instanceof NetlinkError && e.code === 'ENETUNREACH' && /Nexthop has invalid gateway/.test(e.message),
    );
    assert.deepEqual(
      ns()
        .ipJson<Array<{ priority: number }>>('rule show')
        .map((r) => r.priority),
      [0, 32766, 32767],
    );
  });

  it('a long loop of awaited calls still gives the event loop a turn every few milliseconds', async () => {
    const h = await ns().handle();
    const rule = { priority: 1000, from: '10.1.0.0/16', table: 100 };
    const turns = countLoopTurns();
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      await h.rules.add(rule);
      await h.rules.delete(rule);
    }
    const elapsed = performance.now() - started;
    turns.stop();
    // Answered through the loop, every call is a turn; answered at once, a turn comes
    // at least every 3 ms of them. One per 20 ms leaves room for a slow machine.
    assert.ok(turns.count >= elapsed / 20, `${turns.count} turns of the event loop in ${elapsed.toFixed(0)} ms of awaited calls`);
    assert.deepEqual(
      ns()
        .ipJson<Array<{ priority: number }>>('rule show')
        .map((r) => r.priority),
      [0, 32766, 32767],
    );
  });
});

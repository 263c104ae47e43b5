// Calls that must not hang an agent: an AbortSignal stops a list, a flush or a batch
// (nothing more is sent, and the handle stays usable), and a handle's timeoutMs bounds
// every call (a TimeoutError, after which the handle is closed).
import assert from 'node:assert/strict';

import { AbortError, HandleClosedError, open, TimeoutError, type BatchResult, type Handle } from '../../lib';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';

/** A table of `count` blackhole routes, written with ip -batch. */
function bigTable(ns: ScratchNamespace, table: number, count: number): void {
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(`route add blackhole 10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32 table ${table}`);
  const r = ns.ipTry('-batch -', `${lines.join('\n')}\n`);
  assert.equal(r.status, 0, r.stderr);
}

const routesIn = (ns: ScratchNamespace, table: number) =>
  ns.ipTry(`route show table ${table}`).stdout.trim().split('\n').filter(Boolean).length;

describeInNamespace('AbortSignal: long calls stop early and leave the handle usable', (ns) => {
  it('a signal that has already fired: nothing is sent', async function () {
    const h = await ns().handle();
    const batch = h.batch().routes.add({ dst: '10.90.0.0/16', type: 'blackhole', table: 100 });
    await assert.rejects(batch.commit({ signal: AbortSignal.abort() }), AbortError);
    await assert.rejects(h.routes.list({ table: 100 }, { signal: AbortSignal.abort() }), AbortError);
    assert.equal(routesIn(ns(), 100), 0);
  });

  it('a listing of 50k routes aborted while it runs rejects, and the next listing is whole', async function () {
    this.timeout(120_000);
    bigTable(ns(), 100, 50_000);
    const h = await ns().handle();
    const controller = new AbortController();
    const listing = h.routes.list({ table: 100 }, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(listing, AbortError);
    // The rest of the aborted dump was read and dropped: the socket takes a new dump.
    assert.equal((await h.routes.list({ table: 100 })).length, 50_000);
  });

  it('a 100k-operation batch aborted after it started: definite results, and the kernel holds exactly the done ones', async function () {
    this.timeout(120_000);
    const h = await ns().handle();
    const batch = h.batch();
    for (let i = 0; i < 100_000; i++)
      batch.routes.add({ dst: `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, type: 'blackhole', table: 101 });
    const controller = new AbortController();
    const committing = batch.commit({ signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const error: unknown = await committing.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof AbortError, String(error));
    const results = error.results as BatchResult[];
    assert.equal(results.length, 100_000);
    const done = results.filter((r) => r.ok).length;
    const notAttempted = results.filter((r) => r.status === 'not-attempted').length;
    assert.ok(notAttempted > 0, 'the abort came after everything was sent');
    assert.equal(done + notAttempted + results.filter((r) => r.status === 'failed').length, 100_000);
    assert.equal(routesIn(ns(), 101), done);
    // The handle goes on.
    await h.routes.add({ dst: '10.99.0.0/16', type: 'blackhole', table: 102 });
    assert.equal(routesIn(ns(), 102), 1);
  });
});

describeInNamespace('timeoutMs: a call past its deadline fails with TimeoutError and closes the handle', (ns) => {
  it('a listing that cannot finish within 1 ms', async function () {
    this.timeout(120_000);
    bigTable(ns(), 100, 50_000);
    let h: Handle | undefined = await open({ netns: ns().name, timeoutMs: 1 });
    try {
      await assert.rejects(h.routes.list({ table: 100 }), (e: unknown) => e instanceof TimeoutError && e.code === 'ETIMEDOUT');
      assert.equal(h.closed, true);
      await assert.rejects(h.rules.list(), HandleClosedError);
      await h.close();
      h = await open({ netns: ns().name, timeoutMs: 60_000 });
      assert.equal((await h.routes.list({ table: 100 })).length, 50_000);
    } finally {
      await h?.close();
    }
  });
});

// The batch engine against real kernel state: per-operation results, stop and
// rollback (the kernel left exactly as it was), ensure/remove, big batches, lost
// ACKs, and concurrency on one handle and across namespaces.
import assert from 'node:assert/strict';

import { NetlinkError, open, ValidationError, type BatchResult, type Handle } from '../../lib';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';
import { ipRoutes } from '../helpers/route-witness';
import { ipRules } from '../helpers/witness';

/** Everything the kernel holds that a batch could have changed, as ip shows it. */
function kernelState(ns: ScratchNamespace): string {
  return [ns.ip('-4 -d route show table all'), ns.ip('-6 -d route show table all'), ns.ip('-4 rule show'), ns.ip('-6 rule show')].join(
    '\n',
  );
}

const statuses = (results: BatchResult[]) => results.map((r) => r.status);
const codeOf = (r: BatchResult) => ('error' in r && r.error instanceof NetlinkError ? r.error.code : undefined);

describeInNamespace('batch: results per operation', (ns, another) => {
  it('mixed rules and routes, successes and failures, each with its own result in order', async () => {
    const h = await ns().withTestAddresses().handle();
    const results = await h
      .batch()
      .routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' })
      .routes.add({ dst: '10.9.0.0/16', via: '10.1.0.3' }) // same key: EEXIST
      .rules.add({ from: '10.0.0.5', table: 16, priority: 32768 })
      .routes.add({ dst: '10.10.0.0/16', via: '10.77.0.1' }) // unreachable gateway
      .routes.add({ dst: '10.1.2.3/8', via: '10.1.0.2' }) // host bits: refused before sending
      .rules.delete({ priority: 999 }) // no such rule
      .routes.delete({ dst: '10.9.0.0/16', via: '10.1.0.2' })
      .commit();
    assert.deepEqual(statuses(results), ['done', 'failed', 'done', 'failed', 'failed', 'failed', 'done']);
    assert.deepEqual(results.map(codeOf), [undefined, 'EEXIST', undefined, 'ENETUNREACH', undefined, 'ENOENT', undefined]);
    assert.ok(results[4].status === 'failed' && results[4].error instanceof ValidationError && results[4].error.field === 'dst');
    assert.ok(
      results[3].status === 'failed' &&
        results[3].error instanceof NetlinkError &&
        results[3].error.extack === 'Nexthop has invalid gateway',
    );
    assert.deepEqual(ipRoutes(ns(), 4, 'proto boot'), []);
    assert.deepEqual(
      ipRules(ns(), 4)
        .filter((r) => r.priority === 32768)
        .map((r) => r.from),
      ['10.0.0.5/32'],
    );
  });

  it('rule deletes sent in the cheap order still answer in the order given', async () => {
    const h = await ns().handle();
    const add = h.batch();
    for (let i = 0; i < 50; i++) add.rules.add({ from: `10.0.1.${i}`, table: 16, priority: 1000 + i });
    await add.commit();
    const del = h.batch();
    for (let i = 49; i >= 0; i--) del.rules.delete({ priority: 1000 + i, table: 16, from: `10.0.1.${i === 7 ? 99 : i}` });
    const results = await del.commit();
    // Given in descending priority; the one with the wrong `from` (priority 1007) is the 43rd given.
    assert.deepEqual(
      results.map((r, k) => (r.ok ? null : k)).filter((k) => k !== null),
      [42],
    );
    assert.deepEqual(
      ipRules(ns(), 4)
        .filter((r) => r.priority >= 1000 && r.priority < 2000)
        .map((r) => r.priority),
      [1007],
    );
  });

  it('ensure and remove are idempotent, and say when nothing had to change', async () => {
    const h = await ns().withTestAddresses().handle();
    const once = () =>
      h
        .batch()
        .routes.ensure({ dst: '198.51.100.7/32', via: '10.1.0.2', protocol: 'static' })
        .rules.ensure({ from: '10.0.0.5', table: 16, priority: 32768 })
        .routes.remove({ dst: '198.51.100.8/32', table: 16 })
        .rules.remove({ from: '10.0.0.6', table: 16, priority: 32769 })
        .commit();
    assert.deepEqual(statuses(await once()), ['done', 'done', 'unchanged', 'unchanged']);
    const before = kernelState(ns());
    assert.deepEqual(statuses(await once()), ['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    assert.equal(kernelState(ns()), before);
    // A different route with the same key does not satisfy an ensure: it is added beside it.
    const [changed] = await h.batch().routes.ensure({ dst: '198.51.100.7/32', via: '10.1.0.3', protocol: 'static' }).commit();
    assert.equal(changed.status, 'done');
    assert.equal(ipRoutes(ns(), 4, '198.51.100.7').length, 2);
  });

  it('stop: nothing after the first failure is sent', async () => {
    const h = await ns().withTestAddresses().handle();
    const results = await h
      .batch()
      .routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' })
      .routes.ensure({ dst: '10.9.0.0/16', via: '10.1.0.2' }) // already there: not a failure
      .routes.change({ dst: '10.10.0.0/16', via: '10.1.0.2' }) // ENOENT
      .routes.add({ dst: '10.11.0.0/16', via: '10.1.0.2' })
      .rules.add({ priority: 100, table: 100 })
      .commit({ onError: 'stop' });
    assert.deepEqual(statuses(results), ['done', 'unchanged', 'failed', 'not-attempted', 'not-attempted']);
    assert.deepEqual(
      ipRoutes(ns(), 4, 'proto boot').map((r) => r.dst),
      ['10.9.0.0/16'],
    );
    assert.equal(
      ipRules(ns(), 4).some((r) => r.priority === 100),
      false,
    );
  });

  it('stop and rollback send nothing when an operation is invalid', async () => {
    const h = await ns().withTestAddresses().handle();
    const before = kernelState(ns());
    for (const onError of ['stop', 'rollback'] as const) {
      const results = await h
        .batch()
        .routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' })
        .routes.add({ dst: '10.9.0.0/16', via: 'not-an-address' })
        .commit({ onError });
      assert.deepEqual(statuses(results), ['not-attempted', 'failed']);
    }
    assert.equal(kernelState(ns()), before);
  });

  it('rollback: adds, replaces, changes and deletes are undone, leaving an identical kernel state', async () => {
    const n = ns().withTestAddresses();
    n.ip('route add 10.20.0.0/16 via 10.1.0.2 metric 5');
    n.ip('route add 10.21.0.0/16 via 10.1.0.2');
    n.ip('route append 10.21.0.0/16 via 10.1.0.3');
    n.ip('route add 10.22.0.0/16 via 10.1.0.2 proto static');
    n.ip('-6 route add 2001:db8:70::/48 via 2001:db8::1');
    n.ip('-6 route append 2001:db8:70::/48 via 2001:db8::2');
    n.ip('rule add from 10.0.0.7 lookup 16 pref 32770');
    const h = await n.handle();
    const before = kernelState(n);
    const results = await h
      .batch()
      .routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' })
      .routes.replace({ dst: '10.20.0.0/16', via: '10.1.0.3', metric: 5 })
      .routes.replace({ dst: '10.23.0.0/16', via: '10.1.0.3' }) // creates
      .routes.change({ dst: '10.22.0.0/16', via: '10.1.0.4', protocol: 'static' })
      .routes.delete({ dst: '10.21.0.0/16', via: '10.1.0.2' }) // the first alias
      .routes.delete({ dst: '2001:db8:70::/48', via: '2001:db8::1' }) // one hop
      .rules.delete({ priority: 32770 })
      .rules.add({ from: '10.0.0.5', table: 16, priority: 32768 })
      .routes.append({ dst: '10.24.0.0/16', via: '10.1.0.2' })
      .routes.add({ dst: '10.25.0.0/16', via: '10.77.0.1' }) // fails: ENETUNREACH
      .routes.add({ dst: '10.26.0.0/16', via: '10.1.0.2' })
      .commit({ onError: 'rollback' });
    assert.deepEqual(statuses(results), [...new Array<string>(9).fill('rolled-back'), 'failed', 'not-attempted']);
    assert.equal(kernelState(n), before);
  });

  it('rollback needs the priority of every rule it adds', async () => {
    const h = await ns().handle();
    const results = await h.batch().rules.add({ from: '10.0.0.5', table: 16 }).commit({ onError: 'rollback' });
    assert.ok(results[0].status === 'failed' && results[0].error instanceof ValidationError && results[0].error.field === 'priority');
  });

  it('a 100k-operation batch: every result definite, the kernel agrees', async () => {
    const h = await ns().withTestAddresses().handle();
    const adds = h.batch();
    for (let i = 0; i < 100_000; i++)
      adds.routes.add({ dst: `${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`, via: '10.1.0.2', table: 100 });
    const added = await adds.commit();
    assert.equal(added.filter((r) => r.status === 'done').length, 100_000);
    assert.equal((await h.routes.list({ table: 100 })).length, 100_000);
    const dels = h.batch();
    for (let i = 0; i < 100_000; i++) dels.routes.delete({ dst: `${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`, table: 100 });
    assert.equal((await dels.commit()).filter((r) => r.status === 'done').length, 100_000);
    assert.equal(ns().ip('route show table 100').trim(), '');
  });

  it('failures anywhere in a send, its last request included, are each reported on their own operation', async () => {
    // Only the last request of each sendmsg asks for an ACK: a failure is known by its
    // own answer, a success by the silence before the last one's. Small sends (at most
    // 7 unanswered) put failures at every position of a send, the last one included.
    const n = ns().withTestAddresses();
    const h = await n.handle();
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
    for (const limit of [7, undefined]) {
      const batch = h.batch();
      const expected: string[] = [];
      const kept = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const dst = `172.18.${i >> 8}.${i & 255}/32`;
        const roll = random();
        if (roll < 0.1) {
          batch.routes.add({ dst, via: '10.77.0.1', table: 17 }); // unreachable gateway
          expected.push('failed');
        } else if (roll < 0.2) {
          batch.routes.delete({ dst: `172.19.${i >> 8}.${i & 255}/32`, table: 17 }); // absent
          expected.push('failed');
        } else {
          batch.routes.add({ dst, via: '10.1.0.2', table: 17 });
          expected.push('done');
          kept.add(dst);
        }
      }
      const results = await batch.commit(limit === undefined ? {} : { unacknowledgedLimit: limit });
      assert.deepEqual(statuses(results), expected, `unacknowledgedLimit ${limit}`);
      assert.ok(
        results.every((r) => !('verified' in r)),
        "nothing was lost: every result is the kernel's own answer",
      );
      const codes = new Set(results.filter((r) => r.status === 'failed').map(codeOf));
      assert.deepEqual([...codes].sort(), ['ENETUNREACH', 'ESRCH']);
      assert.deepEqual(new Set(ipRoutes(n, 4, 'table 17').map((r) => r.dst)), kept);
      await h.routes.flush({ table: 17 });
    }
    await h.close();
  });

  it('lost answers (a tiny receive buffer, no limit on what is in flight) end in definite, verified results', async () => {
    // Only failures and the last request of each send are answered: half the requests
    // fail here, so their answers overflow a 4 KiB buffer. A request whose answer may
    // have been dropped is read back, never taken for a success.
    const n = ns().withTestAddresses();
    const h = await open({ netns: n.name, receiveBufferBytes: 4096 });
    try {
      const batch = h.batch();
      for (let i = 0; i < 2000; i++) {
        batch.routes.add({ dst: `172.16.${i >> 8}.${i & 255}/32`, via: '10.1.0.2', table: 16 });
        batch.routes.add({ dst: `172.17.${i >> 8}.${i & 255}/32`, via: '10.77.0.1', table: 16 }); // unreachable gateway: fails
      }
      const results = await batch.commit({ unacknowledgedLimit: 100_000 });
      assert.ok(
        results.some((r) => 'verified' in r),
        'expected some answers to be lost and the state read back',
      );
      assert.equal(
        results.filter((r, i) => r.status !== (i % 2 === 0 ? 'done' : 'failed')).length,
        0,
        'every good add done, every add via an unreachable gateway failed',
      );
      assert.equal(ipRoutes(n, 4, 'table 16').length, 2000);
    } finally {
      await h.close();
    }
  });

  it('concurrent batches on one handle and across handles in different namespaces', async () => {
    const spaces = [ns().withTestAddresses(), another().withTestAddresses(), another().withTestAddresses()];
    const handles: Handle[] = await Promise.all(spaces.map((s) => s.handle()));
    const routes = (k: number, j: number) => ({ dst: `10.${100 + k}.${j}.0/24`, via: '10.1.0.2' });
    const runs = handles.flatMap((h) =>
      [0, 1, 2].map((k) => {
        const b = h.batch();
        for (let j = 0; j < 200; j++) b.routes.add(routes(k, j));
        return b.commit();
      }),
    );
    const all = await Promise.all(runs);
    assert.ok(all.every((results) => results.every((r) => r.status === 'done')));
    for (const s of spaces) assert.equal(ipRoutes(s, 4, 'proto boot').length, 600);
  });

  it('coalesced single calls: Promise.all over many adds, each with its own answer', async () => {
    const h = await ns().withTestAddresses().handle();
    const adds = Array.from({ length: 5000 }, (_, i) =>
      h.routes.add({ dst: `172.16.${i >> 8}.${i & 255}/32`, via: '10.1.0.2', table: 16 }),
    );
    const duplicate = h.routes.add({ dst: '172.16.0.7/32', via: '10.1.0.2', table: 16 });
    const rule = h.rules.add({ from: '10.0.0.5', table: 16, priority: 32768 });
    await Promise.all([...adds, rule]);
    await assert.rejects(duplicate, (e: unknown) => e instanceof NetlinkError && e.code === 'EEXIST');
    assert.equal(ipRoutes(ns(), 4, 'table 16').length, 5000);
    assert.equal(ipRules(ns(), 4).filter((r) => r.priority === 32768).length, 1);
  });
});

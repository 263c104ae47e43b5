// Defects of the first wave that were not about a single bad value: order of calls on
// one handle, batches that read their specs once and let the event loop in, what a
// reconcile may delete, and answers that did not come from the kernel.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { ValidationError, type RouteSpec } from '../../lib';
import { countLoopTurns } from '../helpers/loop-turns';
import { describeInNamespace } from '../helpers/netns';

describeInNamespace('calls on one handle run in the order asked', (ns) => {
  it('an add that must first learn its device is not overtaken by the delete after it', async function () {
    const h = await ns().handle(); // fresh: v0 is not cached yet
    const added = h.routes.add({ dst: '10.70.0.0/16', dev: 'v0' });
    await h.routes.delete({ dst: '10.70.0.0/16' });
    await added;
    assert.equal(ns().ip('route show 10.70.0.0/16').trim(), '');
  });

  it('a call made by a getter of a spec being read goes after the call reading it', async function () {
    const h = await ns().handle();
    await h.refreshDevices(); // both calls could send at once: only their order is tested
    let deleted: Promise<void> | undefined;
    const spec = { dst: '10.70.1.0/24', dev: 'v0' } as RouteSpec;
    Object.defineProperty(spec, 'table', {
      enumerable: true,
      get: () => {
        deleted ??= h.routes.delete({ dst: '10.70.1.0/24', table: 100 });
        return 100;
      },
    });
    await h.routes.add(spec);
    await deleted;
    assert.equal(ns().ip('route show table 100 10.70.1.0/24').trim(), '');
  });

  it('a listing asked for after single adds sees them, and an add after it does not show', async function () {
    const h = await ns().handle();
    const adds = [1, 2, 3].map((i) => h.routes.add({ dst: `10.71.${i}.0/24`, dev: 'v0' }));
    const listed = h.routes.list();
    const later = h.routes.add({ dst: '10.71.9.0/24', dev: 'v1' });
    await Promise.all([...adds, later]);
    const dsts = (await listed).map((r) => r.dst).filter((d) => d.startsWith('10.71.'));
    assert.deepEqual(dsts.sort(), ['10.71.1.0/24', '10.71.2.0/24', '10.71.3.0/24']);
  });
});

describeInNamespace('a batch reads every spec once, up front', (ns) => {
  it('a getter that throws at operation 150 of a continue batch fails that operation alone', async function () {
    const h = await ns().handle();
    const batch = h.batch();
    for (let i = 0; i < 300; i++) {
      const spec: RouteSpec = { dst: `10.72.${i >> 8}.${i & 255}/32`, type: 'blackhole', table: 100 };
      if (i === 150)
        Object.defineProperty(spec, 'metric', {
          enumerable: true,
          get: () => {
            throw new Error('boom');
          },
        });
      batch.routes.add(spec);
    }
    const results = await batch.commit();
    assert.equal(results.length, 300);
    assert.equal(results.filter((r) => r.ok).length, 299);
    const failed = results[150];
    assert.ok(!failed.ok && failed.status === 'failed' && failed.error instanceof ValidationError, JSON.stringify(failed));
    assert.equal(ns().ip('route show table 100').trim().split('\n').length, 299);
  });

  it('a spec changed after it was pushed is sent as it was when pushed', async function () {
    const h = await ns().handle();
    const spec: RouteSpec = { dst: '10.73.0.0/16', type: 'blackhole', table: 100 };
    const batch = h.batch().routes.add(spec);
    spec.dst = '10.74.0.0/16';
    await batch.commit();
    assert.match(ns().ip('route show table 100'), /10\.73\.0\.0\/16/);
    assert.doesNotMatch(ns().ip('route show table 100'), /10\.74/);
  });

  it('a stop batch longer than one list stops at a failure in its second list', async function () {
    const h = await ns().handle();
    const batch = h.batch();
    for (let i = 0; i < 5000; i++) {
      const n = i === 3000 ? 10 : i; // a duplicate of operation 10: EEXIST
      batch.routes.add({ dst: `10.75.${n >> 8}.${n & 255}/32`, type: 'blackhole', table: 100 });
    }
    const results = await batch.commit({ onError: 'stop' });
    assert.ok(results.slice(0, 3000).every((r) => r.status === 'done'));
    const failed = results[3000];
    assert.ok(!failed.ok && failed.status === 'failed' && (failed.error as { code?: string }).code === 'EEXIST', JSON.stringify(failed));
    assert.ok(results.slice(3001).every((r) => r.status === 'not-attempted'));
    assert.equal(ns().ip('route show table 100').trim().split('\n').length, 3000);
  });

  it('validating a 100k-operation batch lets the event loop run between slices', async function () {
    this.timeout(120_000);
    const h = await ns().handle();
    const batch = h.batch();
    for (let i = 0; i < 100_000; i++)
      batch.routes.add({ dst: `10.${80 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, type: 'blackhole', table: 100 });
    batch.routes.add({ dst: '10.99.0.0/16', type: 'toString' as never }); // stop mode then sends nothing at all
    const turns = countLoopTurns();
    const committing = batch.commit({ onError: 'stop' });
    const turnsAtStart = turns.count;
    const results = await committing;
    turns.stop();
    assert.equal(results[100_000].status, 'failed');
    assert.ok(results.slice(0, 100_000).every((r) => r.status === 'not-attempted'));
    const during = turns.count - turnsAtStart;
    assert.ok(during > 1, `the loop ran ${during} times while 100k operations were validated`);
    assert.equal(ns().ip('route show table all').includes('table 100'), false, 'stop mode sent something');
  });
});

describeInNamespace('reconcile deletes only what its scope names', (ns) => {
  it('an empty rule scope never removes the priority-0 rule', async function () {
    const h = await ns().handle();
    await h.rules.reconcile({ family: 4 }, []);
    const left = ns().ipJson<Array<{ priority: number }>>('-4 rule show');
    assert.deepEqual(
      left.map((r) => r.priority),
      [0],
    );
    await h.rules.reconcile({ family: 4, priority: 0 }, []);
    assert.deepEqual(ns().ipJson('-4 rule show'), []);
  });
});

describeInNamespace('answers are taken from the kernel only', (ns) => {
  it('forged ACKs from another socket in the namespace do not turn a failure into success', async function () {
    const h = await ns().handle();
    // Another process in the namespace (root there) floods our port id with "success"
    // ACKs for the next sequence numbers before we send anything.
    const forger = `
import socket, struct, sys
pid = int(sys.argv[1])
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
for seq in range(1, 400):
    inner = struct.pack('=IHHII', 16, 32, 5, seq, pid)
    s.sendto(struct.pack('=IHHII', 36, 2, 0, seq, pid) + struct.pack('=i', 0) + inner, (pid, 0))
`;
    assert.deepEqual(await h.stats(), { foreignDropped: 0 });
    const r = spawnSync('ip', ['netns', 'exec', ns().name, 'python3', '-c', forger, String(h.info.portId)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    await assert.rejects(h.rules.delete({ priority: 999, from: '10.9.9.9' }), (e: unknown) => (e as { code?: string }).code === 'ENOENT');
    const rules = await h.rules.list({ family: 4 });
    assert.deepEqual(
      rules.map((x) => x.priority),
      [0, 32766, 32767],
    );
    // Every forged datagram was read and dropped (the 4 MiB receive buffer holds them all), and counted.
    assert.deepEqual(await h.stats(), { foreignDropped: 399 });
  });
});

describeInNamespace('a device deleted and made again under its name is found again', (ns) => {
  const remake = () => {
    ns().ip('link del v0');
    ns().ip('link add v0 type veth peer name v1');
    ns().ip('link set v0 up');
    ns().ip('link set v1 up');
  };

  it('a single route add retries once with the new index', async function () {
    const h = await ns().handle();
    await h.routes.add({ dst: '10.76.0.0/16', dev: 'v0' }); // v0's index is cached now
    remake();
    await h.routes.add({ dst: '10.77.0.0/16', dev: 'v0' });
    assert.match(ns().ip('route show 10.77.0.0/16'), /dev v0/);
  });

  it('the routes of a batch that failed on the old index are sent once more', async function () {
    const h = await ns().handle();
    await h.routes.add({ dst: '10.76.0.0/16', dev: 'v0' });
    remake();
    const results = await h
      .batch()
      .routes.add({ dst: '10.78.0.0/16', dev: 'v0' })
      .routes.add({ dst: '10.79.0.0/16', type: 'blackhole' })
      .commit();
    assert.deepEqual(
      results.map((r) => r.status),
      ['done', 'done'],
    );
    assert.match(ns().ip('route show 10.78.0.0/16'), /dev v0/);
  });

  it('calls that all failed on the old index are each sent once more, also after another call re-read the devices', async function () {
    const h = await ns().handle();
    const onV0 = (...dsts: string[]) => {
      for (const dst of dsts) assert.match(ns().ip(`route show ${dst}`), /dev v0/, dst);
    };
    await h.routes.add({ dst: '10.76.0.0/16', dev: 'v0' });
    remake();
    // Both batches are built with the old index; the first one's retry re-reads the
    // devices before the second one's results are in.
    const first = h.batch().routes.add({ dst: '10.80.0.0/16', dev: 'v0' }).commit();
    const second = h.batch().routes.add({ dst: '10.81.0.0/16', dev: 'v0' }).commit();
    assert.deepEqual(
      [...(await first), ...(await second)].map((r) => r.status),
      ['done', 'done'],
    );
    onV0('10.80.0.0/16', '10.81.0.0/16');
    remake();
    await Promise.all([h.routes.add({ dst: '10.82.0.0/16', dev: 'v0' }), h.routes.add({ dst: '10.83.0.0/16', dev: 'v0' })]);
    onV0('10.82.0.0/16', '10.83.0.0/16');
    remake();
    const lone = h.routes.add({ dst: '10.84.0.0/16', dev: 'v0' });
    const batched = h.batch().routes.add({ dst: '10.85.0.0/16', dev: 'v0' }).commit();
    await lone;
    assert.deepEqual(
      (await batched).map((r) => r.status),
      ['done'],
    );
    onV0('10.84.0.0/16', '10.85.0.0/16');
  });
});

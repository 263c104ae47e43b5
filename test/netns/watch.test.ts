// handle.watch(): change notifications against real kernel state. Changes are made
// by `ip` (another process, as a neighbour agent would) and by the handle itself;
// each test reads the events back and compares what they add up to with a listing.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';

import { AbortError, HandleClosedError, open, ValidationError, type Route } from '../../lib';
import { describeInNamespace } from '../helpers/netns';
import { Consumer, contents, hasEvent } from '../helpers/watch-consumer';

const openFds = () => readdirSync('/proc/self/fd').length;

describeInNamespace('watch: rule, route and link events', (ns) => {
  it('reports rules added and removed, both families, as list() returns them', async function () {
    const h = await ns().handle();
    const watch = h.watch({ rules: true });
    await watch.ready;
    ns().ip('rule add from 10.1.1.1 lookup 16 pref 32768');
    ns().ip('-6 rule add from 2001:db8::1 lookup 16 pref 32769');
    const c = new Consumer();
    await c.until(watch, (s) => s.rules.size === 2);
    const listed = (await h.rules.list()).filter((r) => r.priority >= 32768 && r.priority <= 32769);
    assert.deepEqual(Consumer.sorted(c.rules.values()), Consumer.sorted(listed));
    // The object of an event deletes exactly that rule.
    const v6 = c.events.find((e) => e.type === 'added' && e.kind === 'rule' && e.object.family === 6);
    assert.ok(v6 && v6.type !== 'resync');
    await h.rules.delete(v6.object as never);
    ns().ip('rule del pref 32768');
    await c.until(watch, (s) => s.rules.size === 0);
    assert.equal(c.events.filter((e) => e.type === 'removed').length, 2);
    assert.equal((await h.rules.list()).filter((r) => r.priority >= 32768).length, 0);
    await watch.close();
  });

  it('reports routes added, replaced (changed, with the previous route) and removed, both families', async function () {
    const h = await ns().withTestAddresses().handle();
    const watch = h.watch({ routes: { table: 16 } });
    await watch.ready;
    ns().ip('route add 10.5.0.0/24 via 10.1.0.2 table 16');
    ns().ip('route replace 10.5.0.0/24 via 10.2.0.2 table 16');
    ns().ip('-6 route add 2001:db8:5::/48 dev v0 table 16 metric 7');
    ns().ip('route add 10.6.0.0/24 dev v0'); // main table: outside the filter
    const c = new Consumer();
    await c.until(watch, (s) => s.routes.size === 2 && s.events.some((e) => e.type === 'changed'));
    const changed = c.events.find((e) => e.type === 'changed');
    assert.ok(changed && changed.type === 'changed' && changed.kind === 'route');
    assert.equal(changed.object.via, '10.2.0.2');
    assert.equal(changed.previous?.via, '10.1.0.2');
    assert.deepEqual(Consumer.sorted(c.routes.values()), Consumer.sorted(await h.routes.list({ table: 16 })));
    ns().ip('route del 10.5.0.0/24 table 16');
    ns().ip('-6 route del 2001:db8:5::/48 table 16');
    await c.until(watch, (s) => s.routes.size === 0);
    assert.ok(!hasEvent(c.events, 'added', 'route', (r) => r.dst === '10.6.0.0/24'), 'the main table is not watched');
    await watch.close();
  });

  it('reports devices added, renamed and removed, and the IPv4 routes that went with a device', async function () {
    const h = await ns().handle();
    const watch = h.watch({ links: true, routes: { table: 'all', family: 4 }, initial: true });
    await watch.ready;
    ns().ip('link add w0 type veth peer name w1');
    ns().ip('link set w0 up');
    ns().ip('addr add 10.8.0.1/24 dev w0');
    ns().ip('route add 10.9.0.0/24 dev w0 table 30');
    const c = new Consumer();
    await c.until(watch, (s) => [...s.routes.values()].some((r) => r.dst === '10.9.0.0/24'));
    assert.ok(hasEvent(c.events, 'added', 'link', (l) => l.name === 'w0'));
    assert.ok(hasEvent(c.events, 'added', 'link', (l) => l.name === 'w1'));
    assert.equal([...c.routes.values()].find((r) => r.dst === '10.9.0.0/24')?.dev, 'w0');
    ns().ip('link set w0 down');
    ns().ip('link set w0 name w7');
    await c.until(watch, (s) => [...s.links.values()].some((l) => l.name === 'w7'));
    assert.ok(hasEvent(c.events, 'changed', 'link', (l) => l.name === 'w7'));
    ns().ip('link del w7');
    await c.until(watch, (s) => ![...s.links.values()].some((l) => l.name === 'w7' || l.name === 'w1'));
    // The kernel deletes IPv4 routes through a device that went down or away without a
    // notification; the watch lists again and reports them removed.
    await c.until(watch, (s) => ![...s.routes.values()].some((r) => r.dst.startsWith('10.8.') || r.dst.startsWith('10.9.')));
    assert.deepEqual(Consumer.sorted(c.routes.values()), Consumer.sorted(await h.routes.list({ table: 'all', family: 4 })));
    await watch.close();
  });

  it("tells the handle's own changes from others', with the request's port id and sequence number", async function () {
    const h = await ns().handle();
    const watch = h.watch({ rules: { family: 4 } });
    await watch.ready;
    await h.rules.add({ from: '10.1.1.1', table: 16, priority: 40000 });
    ns().ip('rule add from 10.1.1.2 lookup 16 pref 40001');
    const c = new Consumer();
    await c.until(watch, (s) => s.rules.size === 2);
    const [mine, theirs] = [40000, 40001].map((p) =>
      c.events.find((e) => e.type === 'added' && e.kind === 'rule' && e.object.priority === p),
    );
    assert.ok(mine && mine.type === 'added' && theirs && theirs.type === 'added');
    assert.equal(mine.own, true);
    assert.equal(mine.origin?.portId, h.info.portId);
    assert.ok((mine.origin?.seq ?? 0) > 0);
    assert.equal(theirs.own, false);
    assert.notEqual(theirs.origin?.portId, h.info.portId);
    await watch.close();
  });

  it('applies its filter before reporting: family, table, rule fields', async function () {
    const h = await ns().handle();
    const watch = h.watch({ rules: { family: 6, table: 16 } });
    await watch.ready;
    ns().ip('rule add from 10.1.1.1 lookup 16 pref 100');
    ns().ip('-6 rule add from 2001:db8::1 lookup 17 pref 101');
    ns().ip('-6 rule add from 2001:db8::2 lookup 16 pref 102');
    const c = new Consumer();
    await c.until(watch, (s) => s.rules.size === 1);
    ns().ip('-6 rule add from 2001:db8::3 lookup 16 pref 103'); // a marker: everything before it has been read
    await c.until(watch, (s) => s.rules.size === 2);
    assert.deepEqual(
      c.events.map((e) => (e.type === 'added' && e.kind === 'rule' ? e.object.priority : e.type)),
      [102, 103],
    );
    await watch.close();
  });

  it('with initial, starts with what exists, and names each device as it was when the route came', async function () {
    const h = await ns().withTestAddresses().handle();
    ns().ip('route add 10.40.0.0/16 dev v1 table 40');
    const watch = h.watch({ routes: { table: 40 }, initial: true });
    const c = new Consumer();
    await c.until(watch, (s) => s.routes.size === 1);
    assert.equal(c.events[0].type, 'added');
    assert.equal(c.events[0].type === 'added' && c.events[0].origin, undefined, 'listed, not notified');
    assert.deepEqual(Consumer.sorted(c.routes.values()), Consumer.sorted(await h.routes.list({ table: 40 })));
    await watch.close();
  });
});

describeInNamespace('watch: nothing lost', (ns) => {
  it('survives a receive-buffer overflow: a resync, then the differences, ending in the kernel state', async function () {
    this.timeout(60_000);
    const h = await ns().handle();
    const watch = h.watch({ routes: { table: 50 }, receiveBufferBytes: 4096, initial: true });
    await watch.ready;
    ns().ip('route add 10.50.255.0/24 dev v0 table 50'); // present before the burst
    let script = '';
    for (let i = 0; i < 3000; i++) script += `route add 10.50.${i >> 8}.${i & 255}/32 dev v0 table 50\n`;
    script += 'route del 10.50.255.0/24 table 50\n';
    const r = ns().ipTry('-batch -', script);
    assert.equal(r.status, 0, r.stderr);
    const c = new Consumer();
    await c.until(watch, (s) => s.events.some((e) => e.type === 'resync') && s.routes.size === 3000);
    const kernel = await h.routes.list({ table: 50 });
    assert.equal(kernel.length, 3000);
    assert.deepEqual(Consumer.sorted(c.routes.values()), Consumer.sorted(kernel));
    await watch.close();
  });

  it('starts without a gap or a duplicate while another process writes', async function () {
    this.timeout(60_000);
    const h = await ns().handle();
    let script = '';
    for (let i = 0; i < 2000; i++) script += `route add 10.60.${i >> 8}.${i & 255}/32 dev v0 table 60\n`;
    for (let i = 0; i < 2000; i += 2) script += `route del 10.60.${i >> 8}.${i & 255}/32 table 60\n`;
    const { spawn } = await import('node:child_process');
    const writer = spawn('ip', ['-n', ns().name, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    writer.stdin.end(script);
    const watch = h.watch({ routes: { table: 60 }, initial: true });
    const c = new Consumer();
    const status = await new Promise<number | null>((resolve) => writer.on('exit', resolve));
    assert.equal(status, 0);
    ns().ip('route add 10.61.0.0/16 dev v0 table 60'); // a marker after every write
    await c.until(watch, (s) => [...s.routes.values()].some((r) => r.dst === '10.61.0.0/16'));
    // Every add is followed by its delete or is still there; none reported twice in a row.
    const last = new Map<string, string>();
    for (const e of c.events) {
      if (e.type === 'resync' || e.kind !== 'route') continue;
      assert.notEqual(last.get(e.object.dst), e.type === 'removed' ? 'removed' : 'added', `${e.type} ${e.object.dst} twice`);
      last.set(e.object.dst, e.type === 'removed' ? 'removed' : 'added');
    }
    const kernel = await h.routes.list({ table: 60 });
    assert.equal(kernel.length, 1001);
    assert.deepEqual(Consumer.sorted(c.routes.values()), Consumer.sorted(kernel));
    await watch.close();
  });

  it("follows devices into the handle's names: a renamed device is listed by its new name", async function () {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.70.0.0/16', dev: 'v1', table: 70 });
    const watch = h.watch({ links: true });
    await watch.ready;
    ns().ip('link set v1 down');
    ns().ip('link set v1 name v9');
    ns().ip('link set v9 up');
    ns().ip('route add 10.71.0.0/16 dev v9 table 70');
    const c = new Consumer();
    await c.until(watch, (s) => [...s.links.values()].some((l) => l.name === 'v9'));
    const routes: Route[] = await h.routes.list({ table: 70 });
    assert.deepEqual(
      routes.map((r) => `${r.dst} ${r.dev}`),
      ['10.71.0.0/16 v9'],
    );
    await watch.close();
  });

  it('a watch of routes alone follows devices too: its route events name a renamed device by its new name', async function () {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.72.0.0/16', dev: 'v1', table: 72 }); // v1 is cached now
    const watch = h.watch({ routes: { table: 72 } });
    await watch.ready;
    ns().ip('link set v1 down');
    ns().ip('link set v1 name v9');
    ns().ip('link set v9 up');
    ns().ip('route add 10.73.0.0/16 dev v9 table 72');
    const c = new Consumer();
    await c.until(watch, (s) => [...s.routes.values()].some((r) => r.dst === '10.73.0.0/16'));
    assert.equal([...c.routes.values()].find((r) => r.dst === '10.73.0.0/16')?.dev, 'v9');
    assert.ok(!c.events.some((e) => e.type !== 'resync' && e.kind === 'link'), 'links were not asked for');
    await watch.close();
  });
});

describeInNamespace('open({ followDevices: true })', (ns) => {
  it('names follow device events without a watch of the caller: a renamed device is listed by its new name', async function () {
    const h = await open({ netns: ns().name, followDevices: true });
    try {
      await h.routes.add({ dst: '10.90.0.0/16', dev: 'v1', table: 90 }); // v1 is cached now
      ns().ip('link set v1 down');
      ns().ip('link set v1 name v9');
      ns().ip('link set v9 up');
      ns().ip('route add 10.91.0.0/16 dev v9 table 90');
      // The rename reaches the names when its notification is read: until then a listing
      // may still say v1 (the test's timeout bounds the wait; without followDevices it
      // would say v1 for ever, since the index is cached).
      let listed: string[] = [];
      while (!listed.every((line) => line.endsWith(' v9')) || listed.length !== 1) {
        listed = (await h.routes.list({ table: 90 })).map((r) => `${r.dst} ${r.dev}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.deepEqual(listed, ['10.91.0.0/16 v9']);
      await assert.rejects(open({ netns: ns().name, followDevices: 'yes' as never }), ValidationError);
    } finally {
      await h.close();
    }
  });
});

describeInNamespace('device names after a device went away', (ns) => {
  it('a route naming a cached device that was deleted fails with a ValidationError naming it, single and in a batch', async function () {
    const h = await ns().handle();
    await h.routes.add({ dst: '10.80.0.0/16', dev: 'v1', table: 80 }); // v1 is cached now
    ns().ip('link del v1');
    await assert.rejects(h.routes.add({ dst: '10.81.0.0/16', dev: 'v1', table: 80 }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.field, 'dev');
      assert.equal(error.value, 'v1');
      assert.match(error.message, /went away/);
      return true;
    });
    const [result] = await h.batch().routes.add({ dst: '10.82.0.0/16', dev: 'v1', table: 80 }).commit();
    assert.ok(!result.ok && 'error' in result && result.error instanceof ValidationError, JSON.stringify(result));
    assert.equal(ns().ip('route show table 80').trim(), '');
  });
});

describeInNamespace('watch: ending', (ns) => {
  it('close(), break and the handle closing each release the socket (fds back where they were)', async function () {
    const h = await ns().handle();
    const before = openFds();
    const first = h.watch();
    await first.ready;
    assert.ok(openFds() > before);
    await first.close();
    assert.equal(openFds(), before);
    assert.deepEqual(await first.next(), { value: undefined, done: true });

    const second = h.watch({ rules: true });
    await second.ready;
    ns().ip('rule add from 10.1.1.1 lookup 16 pref 100');
    for await (const event of second) {
      assert.equal(event.type, 'added');
      break;
    }
    assert.equal(openFds(), before);

    const third = h.watch({ routes: true });
    const pending = third.next();
    await third.ready;
    await h.close();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.equal(openFds(), before - 1, "the handle's own socket is closed too");
    assert.throws(() => h.watch(), HandleClosedError);
  });

  it('an AbortSignal ends the iteration with AbortError', async function () {
    const h = await ns().handle();
    const controller = new AbortController();
    const watch = h.watch({ links: true, signal: controller.signal });
    await watch.ready;
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(async () => {
      for await (const _event of watch) void _event;
    }, AbortError);
  });

  it('refuses options it does not understand before subscribing', async function () {
    const h = await ns().handle();
    const bad: unknown[] = [
      { bogus: 1 },
      { routes: 'main' },
      { rules: false, routes: false, links: false },
      { initial: 'yes' },
      { receiveBufferBytes: 1 },
      null,
      'rules',
    ];
    for (const options of bad) assert.throws(() => h.watch(options as never), ValidationError, JSON.stringify(options));
    const watch = h.watch({ routes: { bogus: 1 } as never });
    await assert.rejects(watch.ready, ValidationError);
    await assert.rejects(watch.next(), ValidationError);
    assert.equal(contents({ a: 1 }), '[["a",1]]');
  });
});

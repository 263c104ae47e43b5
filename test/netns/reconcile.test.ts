// Reconcile: the scope ends up exactly as desired, with the fewest changes, and
// nothing outside the scope is touched.
import assert from 'node:assert/strict';

import { ValidationError, type RouteSpec, type RuleSpec } from '../../lib';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';
import { ipRoutes } from '../helpers/route-witness';
import { ipRules } from '../helpers/witness';

function fipNamespace(ns: ScratchNamespace): ScratchNamespace {
  ns.ip('link add fpr-x type veth peer name rfp-x');
  ns.ip('link set fpr-x up');
  ns.ip('link set rfp-x up');
  ns.ip('addr add 169.254.106.115/31 dev fpr-x');
  ns.ip('addr add 10.1.0.1/24 dev v0');
  return ns;
}

const fip = (i: number): RouteSpec => ({ dst: `198.51.100.${i}/32`, via: '169.254.106.114', dev: 'fpr-x', protocol: 'static' });

describeInNamespace('reconcile', (ns) => {
  it('owns: objects in the scope that the caller does not own are neither deleted nor counted', async () => {
    const n = fipNamespace(ns());
    n.ip('route add 198.51.100.1/32 via 169.254.106.114 dev fpr-x proto static'); // ours, not desired any more
    n.ip('route add 198.51.0.0/16 via 169.254.106.114 dev fpr-x proto static'); // in the scope, not ours (not a /32)
    const h = await n.handle();
    const owns = (route: { dst: string }) => route.dst.endsWith('/32');
    const result = await h.routes.reconcile({ protocol: 'static', dev: 'fpr-x' }, [fip(2)], { owns });
    assert.deepEqual([result.added.length, result.removed.length, result.unchanged.length], [1, 1, 0]);
    const left = n
      .ipJson<Array<{ dst: string }>>('route show dev fpr-x proto static')
      .map((r) => r.dst)
      .sort();
    assert.deepEqual(left, ['198.51.0.0/16', '198.51.100.2']);
    await assert.rejects(
      h.routes.reconcile({ table: 7 }, [], { owns: 'x' } as never),
      (e: unknown) => e instanceof ValidationError && e.field === 'owns',
    );
    await assert.rejects(
      h.rules.reconcile({ priority: [100, 200] }, [], { bogus: 1 } as never),
      (e: unknown) => e instanceof ValidationError && e.field === 'bogus',
    );
  });

  it('routes: adds the missing, removes the stale, leaves the rest and everything outside the scope', async () => {
    const n = fipNamespace(ns());
    for (const i of [1, 2, 3]) n.ip(`route add 198.51.100.${i}/32 via 169.254.106.114 dev fpr-x proto static`);
    n.ip('route add 198.51.100.9/32 via 169.254.106.114 dev fpr-x proto boot'); // another protocol: outside
    n.ip('route add 198.51.100.10/32 via 10.1.0.2 dev v0 proto static'); // another device: outside
    n.ip('route add 198.51.100.11/32 via 169.254.106.114 dev fpr-x proto static table 7'); // another table: outside
    const outside = () => [n.ip('route show proto boot'), n.ip('route show dev v0'), n.ip('route show table 7')].join();
    const before = outside();
    const h = await n.handle();
    const scope = { protocol: 'static', dev: 'fpr-x' } as const;
    const result = await h.routes.reconcile(scope, [fip(2), fip(3), fip(4), fip(5), fip(4)]);
    assert.deepEqual(result.added.map((r) => r.dst).sort(), ['198.51.100.4/32', '198.51.100.5/32']);
    assert.deepEqual(
      result.removed.map((r) => r.dst),
      ['198.51.100.1/32'],
    );
    assert.deepEqual(result.unchanged.map((r) => r.dst).sort(), ['198.51.100.2/32', '198.51.100.3/32']);
    assert.deepEqual(result.failures, []);
    assert.deepEqual(
      ipRoutes(n, 4, 'proto static dev fpr-x')
        .map((r) => r.dst)
        .sort(),
      ['198.51.100.2/32', '198.51.100.3/32', '198.51.100.4/32', '198.51.100.5/32'],
    );
    assert.equal(outside(), before);
    // A changed gateway is a different route: the old one goes, the new one comes.
    const moved = await h.routes.reconcile(scope, [fip(2), fip(3), fip(4), { ...fip(5), via: '169.254.106.116', onlink: true }]);
    assert.deepEqual([moved.added.length, moved.removed.length, moved.unchanged.length], [1, 1, 3]);
    const again = await h.routes.reconcile(scope, [fip(2), fip(3), fip(4), { ...fip(5), via: '169.254.106.116', onlink: true }]);
    assert.deepEqual([again.added, again.removed, again.unchanged.length], [[], [], 4]);
    assert.equal(outside(), before);
  });

  it('routes: a desired route outside the scope is refused and nothing changes', async () => {
    const n = fipNamespace(ns());
    const h = await n.handle();
    const before = n.ip('route show table all');
    await assert.rejects(
      h.routes.reconcile({ protocol: 'static', dev: 'fpr-x' }, [fip(1), { ...fip(2), protocol: 'boot' }]),
      (e: unknown) => e instanceof ValidationError && e.field === 'desired[1].protocol',
    );
    await assert.rejects(h.routes.reconcile({ table: 'all' }, []), ValidationError);
    assert.equal(n.ip('route show table all'), before);
  });

  it('routes: IPv6 and the main table, where the kernel fills in metric and preference', async () => {
    const n = fipNamespace(ns());
    n.ip('-6 addr add 2001:db8::5/64 dev v0 nodad');
    const h = await n.handle();
    const desired: RouteSpec[] = [
      { dst: '2001:db8:70::/48', via: '2001:db8::1' },
      { dst: '2001:db8:71::/48', via: '2001:db8::1', metric: 7 },
    ];
    const first = await h.routes.reconcile({ family: 6, protocol: 'boot' }, desired);
    assert.equal(first.added.length, 2);
    const second = await h.routes.reconcile({ family: 6, protocol: 'boot' }, desired);
    assert.deepEqual([second.added, second.removed, second.unchanged.length], [[], [], 2]);
    // The kernel's own routes (proto kernel) are outside a proto boot scope and stay.
    assert.ok(ipRoutes(n, 6, 'proto kernel').length > 0);
  });

  it('routes: a multipath route given by gateways alone matches what the kernel lists (devices filled in)', async () => {
    const n = fipNamespace(ns());
    const h = await n.handle();
    const desired: RouteSpec[] = [{ dst: '172.16.4.0/24', nexthops: [{ via: '10.1.0.4' }, { via: '10.1.0.5' }], protocol: 'static' }];
    const first = await h.routes.reconcile({ family: 4, table: 'main', protocol: 'static' }, desired);
    assert.equal(first.added.length, 1);
    const [listed] = ipRoutes(n, 4, 'proto static') as Array<{ nexthops?: Array<{ dev: string }> }>;
    assert.deepEqual(
      listed.nexthops?.map((hop) => hop.dev),
      ['v0', 'v0'],
    );
    const second = await h.routes.reconcile({ family: 4, table: 'main', protocol: 'static' }, desired);
    assert.deepEqual([second.added, second.removed, second.unchanged.length], [[], [], 1]);
    // One path fewer is another route: replaced.
    const third = await h.routes.reconcile({ family: 4, table: 'main', protocol: 'static' }, [
      { ...desired[0], nexthops: [{ via: '10.1.0.4' }] },
    ]);
    assert.deepEqual([third.added.length, third.removed.length], [1, 1]);
  });

  it('rules: a table and a priority range, as DVR owns them', async () => {
    const n = ns();
    n.ip('rule add from 10.0.0.5 lookup 16 pref 32768');
    n.ip('rule add from 10.0.0.6 lookup 16 pref 32769');
    n.ip('rule add from 10.0.0.7 lookup 16 pref 100'); // below the range: outside
    n.ip('rule add from 10.0.0.8 lookup 17 pref 32770'); // another table: outside
    const h = await n.handle();
    const scope = { table: 16, priority: [32768, 72767] as [number, number] };
    const desired: RuleSpec[] = [
      { from: '10.0.0.6', table: 16, priority: 32769 },
      { from: '10.0.0.9', table: 16, priority: 32771 },
    ];
    const result = await h.rules.reconcile(scope, desired);
    assert.deepEqual(
      result.removed.map((r) => r.priority),
      [32768],
    );
    assert.deepEqual(
      result.added.map((r) => r.priority),
      [32771],
    );
    assert.deepEqual(
      result.unchanged.map((r) => r.priority),
      [32769],
    );
    const prefs = ipRules(n, 4).map((r) => r.priority);
    assert.deepEqual(prefs, [0, 100, 32766, 32767, 32769, 32770, 32771]);
    const again = await h.rules.reconcile(scope, desired);
    assert.deepEqual([again.added, again.removed, again.unchanged.length], [[], [], 2]);
    await assert.rejects(h.rules.reconcile(scope, [{ from: '10.0.0.9', table: 16, priority: 5 }]), ValidationError);
    await assert.rejects(h.rules.reconcile(scope, [{ from: '10.0.0.9', table: 16 }]), ValidationError);
  });
});

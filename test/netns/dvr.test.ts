// The DVR driver on a small compute node built in scratch namespaces (the storm's
// topology): router setup, associate, disassociate, move, idempotence, restart, and
// a resync that repairs drift in both directions.
import assert from 'node:assert/strict';

import { open } from '../../lib';
import { deviceName, FIP_TABLE, linkLocalPair, routerTable } from '../../lib/dvr';
import { ipIn as ip } from '../../scripts/ip-commands';
import { describeDvrNode } from '../helpers/dvr-node';

describeDvrNode(
  'DVR driver',
  { profile: { name: 'test', routers: 2, fipsPerRouter: 3, subnets: 2 }, prefix: 'nlrt-dvr', seed: 3 },
  ({ topology, node, reopen, leftovers, fipsOf, check, nodeState }) => {
    it('associates and disassociates in bulk, idempotently, with lookups that take the right path', async () => {
      const fips = fipsOf(3);
      assert.ok((await node().associate(fips)).every((r) => r.ok));
      await check(fips);
      assert.ok((await node().associate(fips)).every((r) => r.ok)); // again: nothing changes
      await check(fips);
      assert.ok((await node().disassociate(fips.slice(0, 2))).every((r) => r.ok));
      assert.ok((await node().disassociate(fips.slice(0, 2))).every((r) => r.ok)); // again: success
      await check(fips.slice(2));
    });

    it('disassociate removes a /32 an older agent wrote as proto boot, and says when nothing was there', async () => {
      const fips = fipsOf(1);
      await node().associate(fips);
      const r = topology().routers.find((x) => x.id === fips[0].routerId)!;
      const f = await open({ netns: topology().external.namespace });
      try {
        await f.routes.replace({
          dst: `${fips[0].floatingIp}/32`,
          via: linkLocalPair(r.linkLocalIndex).rfp,
          dev: deviceName('fpr-', r.id),
          protocol: 'boot',
        });
        const [first] = await node().disassociate([fips[0]]);
        assert.ok(first.ok && !first.unchanged, JSON.stringify(first));
        assert.deepEqual(
          (await f.routes.list()).filter((x) => x.dst === `${fips[0].floatingIp}/32`),
          [],
        );
        const [again] = await node().disassociate([fips[0]]);
        assert.ok(again.ok && again.unchanged === true, JSON.stringify(again));
      } finally {
        await f.close();
      }
    });

    it('a floating IP whose route fails is taken back whole, keeps its priority, and the retry converges to one rule', async () => {
      const [fip] = fipsOf(1);
      const r = topology().routers.find((x) => x.id === fip.routerId)!;
      const fpr = deviceName('fpr-', r.id);
      const fprAddress = `${linkLocalPair(r.linkLocalIndex).fpr}/31`;
      ip(topology().external.namespace, `addr del ${fprAddress} dev ${fpr}`); // the /32's gateway is unreachable now
      const [failed] = await node().associate([fip]);
      assert.equal(failed.ok, false);
      const priority = node().priorityOf(fip);
      assert.notEqual(priority, undefined, 'the priority was released');
      const q = await open({ netns: r.namespace });
      const rulesOf = async () => (await q.rules.list({ family: 4, table: FIP_TABLE })).filter((x) => x.from === `${fip.fixedIp}/32`);
      try {
        assert.deepEqual(await rulesOf(), [], 'the rule of a floating IP whose route failed was left behind');
        ip(topology().external.namespace, `addr add ${fprAddress} dev ${fpr}`);
        const [retried] = await node().associate([fip]);
        assert.ok(retried.ok, JSON.stringify(retried));
        assert.equal(retried.priority, priority);
        assert.deepEqual(
          (await rulesOf()).map((x) => x.priority),
          [priority],
        );
      } finally {
        await q.close();
      }
      await check([fip]);
    });

    it('a router veth deleted and made again is served without reopening the node', async () => {
      const [first, second] = fipsOf(2);
      assert.ok((await node().associate([first])).every((r) => r.ok));
      const r = topology().routers.find((x) => x.id === first.routerId)!;
      const [rfp, fpr] = [deviceName('rfp-', r.id), deviceName('fpr-', r.id)];
      const pair = linkLocalPair(r.linkLocalIndex);
      ip(r.namespace, `link del ${rfp}`); // takes fpr- with it, and every route through them
      ip(r.namespace, `link add ${rfp} type veth peer name ${fpr} netns ${topology().external.namespace}`);
      ip(r.namespace, `addr add ${pair.rfp}/31 dev ${rfp}`);
      ip(r.namespace, `link set ${rfp} up`);
      ip(topology().external.namespace, `addr add ${pair.fpr}/31 dev ${fpr}`);
      ip(topology().external.namespace, `link set ${fpr} up`);
      const [again] = await node().associate([second]);
      assert.ok(again.ok, JSON.stringify(again));
      const report = await node().resync({ routers: topology().routers, fips: [first, second] });
      assert.deepEqual(report.failures, []);
      await check([first, second]);
    });

    it('open() adopts a node where one priority sits in two qrouter namespaces, reports it, and resync repairs it', async () => {
      const fips = fipsOf(1); // one per router, two routers
      const [a, b] = fips.map((f) => ({ f, r: topology().routers.find((x) => x.id === f.routerId)! }));
      for (const { f, r } of [a, b]) ip(r.namespace, `rule add from ${f.fixedIp} lookup ${FIP_TABLE} pref 40000`);
      const reopened = await reopen(5);
      assert.equal(reopened.conflicts.length, 1, JSON.stringify(reopened.conflicts));
      assert.equal(reopened.conflicts[0].priority, 40000);
      const report = await reopened.resync({ routers: topology().routers, fips });
      assert.deepEqual(report.failures, []);
      const priorities = fips.map((f) => node().priorityOf(f));
      assert.equal(new Set(priorities).size, 2, `priorities ${priorities.join(',')}`);
      await check(fips);
    });

    it('resync on a node full of co-resident objects changes nothing at 0% drift, and repairs only its own', async () => {
      const fips = fipsOf(3);
      await node().associate(fips);
      const fipNs = topology().external.namespace;
      const [r0, r1] = topology().routers;
      const table = routerTable(linkLocalPair(r0.linkLocalIndex).fpr);
      // What Neutron's L3 agent keeps beside the node's own objects, of kinds this node does
      // not write (its network is IPv4 only and its routers are given no extraRoutes):
      ip(fipNs, 'route add 198.51.100.0/24 dev fg-ext proto static scope link'); // an extra external subnet, on-link
      ip(fipNs, 'route add 192.0.2.1/32 dev fg-ext proto static scope link'); // the off-subnet gateway
      ip(fipNs, '-6 addr add 2001:db8:f::10/64 dev fg-ext nodad');
      ip(fipNs, `-6 route add default via 2001:db8:f::1 dev fg-ext table ${table}`); // the IPv6 default of table T
      ip(fipNs, `route add 10.200.0.0/16 via 203.0.113.1 dev fg-ext table ${table} proto boot`); // an extra route in T
      ip(fipNs, `-6 route add 2001:db8:1::5/128 via fe80::1 dev ${deviceName('fpr-', r0.id)} proto static`); // NDP proxy
      ip(r0.namespace, `route add 172.16.9.0/24 via ${r0.subnets[0].snatAddress} proto static`); // an extra route in main
      const before = nodeState();
      const calm = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual([calm.added, calm.removed, calm.failures.length], [0, 0, 0]);
      assert.equal(nodeState(), before, 'a resync at 0% drift changed the node');
      // Drift in the node's own objects: a rule and a /32 vanish, a stale /32 appears.
      ip(r1.namespace, `rule del from ${fips[3].fixedIp} lookup 16`);
      ip(fipNs, `route del ${fips[4].floatingIp}/32`);
      ip(fipNs, `route add 100.127.0.20/32 via ${linkLocalPair(r1.linkLocalIndex).rfp} dev ${deviceName('fpr-', r1.id)} proto static`);
      const repair = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual([repair.added, repair.removed, repair.failures.length], [2, 1, 0]);
      assert.equal(nodeState(), before, 'the repaired node differs from before the drift');
      await check(fips);
    });

    it('resync removes what a router left out of the desired set left in the fip namespace', async () => {
      const fips = fipsOf(3);
      await node().associate(fips);
      const [kept, gone] = topology().routers;
      const report = await node().resync({ routers: [kept], fips: fips.filter((f) => f.routerId === kept.id) });
      assert.deepEqual(report.failures, []);
      const f = await open({ netns: topology().external.namespace });
      try {
        const goneTable = routerTable(linkLocalPair(gone.linkLocalIndex).fpr);
        assert.deepEqual(
          (await f.rules.list({ family: 4 })).filter((r) => r.iif === deviceName('fpr-', gone.id)),
          [],
        );
        assert.deepEqual(await f.routes.list({ family: 4, table: goneTable }), []);
        assert.deepEqual(
          (await f.routes.list({ family: 4 })).filter((r) => r.dev === deviceName('fpr-', gone.id) && r.dst.endsWith('/32')),
          [],
        );
        assert.equal((await f.routes.list({ family: 4, table: routerTable(linkLocalPair(kept.linkLocalIndex).fpr) })).length, 1);
      } finally {
        await f.close();
      }
    });

    it('moves a floating IP to another fixed IP with a new rule and priority, the route unchanged', async () => {
      const fips = fipsOf(3);
      await node().associate(fips);
      const free = topology().fixedIps.get(fips[0].routerId)!.at(-1)!;
      const [moved] = await node().move([{ fip: fips[0], fixedIp: free }]);
      assert.ok(moved.ok);
      assert.equal(moved.priority, node().priorityOf({ ...fips[0], fixedIp: free }));
      assert.notEqual(moved.priority, undefined);
      await check([{ ...fips[0], fixedIp: free }, ...fips.slice(1)]);
    });

    it('adopts the priorities it finds after a restart and never hands out one in use', async () => {
      const fips = fipsOf(3);
      await node().associate(fips);
      const before = new Map(fips.map((f) => [f.floatingIp, node().priorityOf(f)]));
      const reopened = await reopen(3); // same seed
      for (const f of fips) assert.equal(reopened.priorityOf(f), before.get(f.floatingIp));
      const more = topology().routers.map((r, i) => ({
        floatingIp: topology().floatingIp(1000 + i),
        fixedIp: topology().fixedIps.get(r.id)![4],
        routerId: r.id,
      }));
      assert.ok((await reopened.associate(more)).every((r) => r.ok));
      await check([...fips, ...more]); // checks that no priority is used twice
    });

    it('resync repairs drift both ways, including a rule missing while its route is there, then sends nothing', async () => {
      const fips = fipsOf(3);
      await node().associate(fips);
      const q = await open({ netns: topology().routers[0].namespace });
      const f = await open({ netns: topology().external.namespace });
      try {
        const victim = fips[0];
        await q.rules.delete({ from: victim.fixedIp, table: FIP_TABLE, priority: node().priorityOf(victim) }); // the route stays
        await q.rules.add({ from: topology().fixedIps.get(topology().routers[0].id)!.at(-1)!, table: FIP_TABLE, priority: 72000 }); // stale
        await f.routes.delete({ dst: `${fips[1].floatingIp}/32` }); // missing route
        const other = topology().routers[1];
        await f.routes.replace({
          dst: `${fips[2].floatingIp}/32`,
          via: linkLocalPair(other.linkLocalIndex).rfp,
          dev: deviceName('fpr-', other.id),
          protocol: 'static',
        }); // wrong router
        await f.routes.add({
          dst: '100.127.0.9/32',
          via: linkLocalPair(other.linkLocalIndex).rfp,
          dev: deviceName('fpr-', other.id),
          protocol: 'static',
        }); // stale
        // An older agent's floating-IP route (proto boot): a /32 through the node's rfp-/fpr-
        // pair is the node's whatever its protocol, and it is not desired, so it goes.
        await f.routes.add({
          dst: '100.127.0.10/32',
          via: linkLocalPair(other.linkLocalIndex).rfp,
          dev: deviceName('fpr-', other.id),
          protocol: 'boot',
        });
      } finally {
        await q.close();
      }
      const report = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual(report.failures, []);
      assert.deepEqual([report.added, report.removed], [3, 4]);
      await check(fips);
      const again = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual([again.added, again.removed], [0, 0]);
      assert.equal((await f.routes.list({ family: 4 })).filter((r) => r.dst === '100.127.0.10/32').length, 0);
      await f.close();
    });

    it('tears routers down completely', async () => {
      await node().associate(fipsOf(3));
      await node().teardownRouters(topology().routers);
      assert.deepEqual(await leftovers(), []);
    });
  },
);

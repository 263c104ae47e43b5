// The DVR driver on a node shaped like a production Neutron compute node: dual-stack
// subnets (IPv6 SNAT redirects, the router's IPv6 default to its fpr- link-local
// address, an IPv6 default in table T), router extra routes (ECMP in qrouter, an
// external nexthop in table T), address-scope subnets (the pref-80000 fast path and the
// fip namespace's subnet route instead of SNAT), and two external networks, each with
// its own fip namespace and priority pool. Each kind is written, read back, looked up
// as a packet would, repaired after drift, and removed by teardown.
import assert from 'node:assert/strict';

import { ValidationError } from '../../lib';
import {
  deviceName,
  DvrNode,
  FAST_PATH_PRIORITY,
  FIP_TABLE,
  ipv4Network,
  linkLocalFromMac,
  linkLocalPair,
  routerTable,
  snatIndex,
} from '../../lib/dvr';
import { extraRouteDestinations } from '../../scripts/dvr-topology';
import { ipIn as ip } from '../../scripts/ip-commands';
import { describeDvrNode } from '../helpers/dvr-node';

const PROFILE = {
  name: 'test',
  routers: 4,
  fipsPerRouter: 2,
  subnets: 2,
  ipv6: true,
  extraRoutes: true,
  addressScopes: true,
  externals: 2,
};

describeDvrNode(
  'DVR driver on a dual-stack node with extra routes, address scopes and two external networks',
  { profile: PROFILE, prefix: 'nlrt-dvr6', seed: 11 },
  ({ topology, node, reopen, leftovers, fipsOf, check, nodeState }) => {
    it('writes every kind as Neutron does, and packets take the right paths in both families', async () => {
      const fips = fipsOf(2);
      assert.ok((await node().associate(fips)).every((r) => r.ok));
      await check(fips);
      // Spot checks with `ip` as the witness, one per kind.
      const [r0, r1] = topology().routers;
      const v6 = r0.subnets.find((s) => s.address.includes(':'))!;
      const i6 = snatIndex(v6.address);
      assert.match(ip(r0.namespace, '-6 rule'), new RegExp(`^${i6}:\\s+from ${v6.address} lookup ${i6}`, 'm'));
      assert.match(
        ip(r0.namespace, `-6 route show table ${i6}`),
        new RegExp(`^default via ${v6.snatAddress} dev ${v6.device} proto static`, 'm'),
      );
      const [{ address: mac }] = JSON.parse(ip(topology().fipOf(r0).namespace, `-j link show ${deviceName('fpr-', r0.id)}`)) as Array<{
        address: string;
      }>;
      assert.match(
        ip(r0.namespace, '-6 route show default'),
        new RegExp(`^default via ${linkLocalFromMac(mac)} dev ${deviceName('rfp-', r0.id)} proto static`, 'm'),
      );
      const table1 = routerTable(linkLocalPair(r1.linkLocalIndex).fpr);
      const fip1 = topology().fipOf(r1).namespace;
      assert.match(
        ip(fip1, `-6 route show table ${table1}`),
        new RegExp(`^default via ${topology().externals[1].gateway6} dev fg-ext proto static`, 'm'),
      );
      assert.match(
        ip(fip1, `route show table ${table1} proto boot`),
        new RegExp(`^${extraRouteDestinations(1).external} via 203\\.0\\.114\\.50 dev fg-ext`, 'm'),
      );
      assert.match(ip(r1.namespace, 'route show proto static'), new RegExp(`^${extraRouteDestinations(1).internal}\\s+nexthop via`, 'm'));
      const scoped = r1.subnets.find((s) => s.addressScope)!; // router 1's first subnet
      assert.match(
        ip(r1.namespace, 'rule'),
        new RegExp(`^${FAST_PATH_PRIORITY}:\\s+from ${ipv4Network(scoped.address)} lookup ${FIP_TABLE}`, 'm'),
      );
      assert.doesNotMatch(
        ip(r1.namespace, 'rule'),
        new RegExp(`lookup ${snatIndex(scoped.address)}`),
        'an address-scope subnet got a SNAT redirect',
      );
      assert.match(
        ip(fip1, 'route'),
        new RegExp(
          `^${ipv4Network(scoped.address).replace(/\./g, '\\.')} via ${linkLocalPair(r1.linkLocalIndex).rfp} dev ${deviceName('fpr-', r1.id)} proto static`,
          'm',
        ),
      );
      // The two external networks keep apart: each fip namespace holds only its routers' objects.
      for (const [e, external] of topology().externals.entries()) {
        const mine = topology()
          .routers.filter((r) => topology().fipOf(r).index === e)
          .map((r) => deviceName('fpr-', r.id));
        const iifs = ip(external.namespace, 'rule')
          .match(/iif \S+/g)!
          .map((x) => x.slice(4))
          .sort();
        assert.deepEqual(iifs, mine.sort());
      }
    });

    it('resync changes nothing at 0% drift, repairs drift in every kind, then sends nothing', async () => {
      const fips = fipsOf(2);
      await node().associate(fips);
      const before = nodeState();
      const calm = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual([calm.added, calm.removed, calm.failures], [0, 0, []]);
      assert.equal(nodeState(), before, 'a resync at 0% drift changed the node');

      const [r0, r1] = topology().routers;
      const v6 = r0.subnets.find((s) => s.address.includes(':'))!;
      const table0 = routerTable(linkLocalPair(r0.linkLocalIndex).fpr);
      const fip0 = topology().fipOf(r0).namespace;
      const scoped = r1.subnets.find((s) => s.addressScope)!;
      const to0 = extraRouteDestinations(0);
      // Missing: one of each kind.
      ip(r0.namespace, `-6 route del default dev ${deviceName('rfp-', r0.id)}`);
      ip(r0.namespace, `-6 rule del pref ${snatIndex(v6.address)}`);
      ip(r1.namespace, `rule del pref ${FAST_PATH_PRIORITY}`);
      ip(topology().fipOf(r1).namespace, `route del ${ipv4Network(scoped.address)}`);
      ip(fip0, `-6 route del default table ${table0}`);
      ip(fip0, `route del ${to0.external} table ${table0}`);
      ip(r0.namespace, `route del ${to0.internal6}`);
      // Wrong: the ECMP route down to one of its paths.
      ip(r0.namespace, `route replace ${to0.internal} via ${r0.extraRoutes![0].nexthop} proto static`);
      // Stale: a removed extra route, a SNAT redirect and a fast path of subnets the router no longer has.
      ip(r0.namespace, `route add 172.20.0.0/24 via ${r0.extraRoutes![0].nexthop} proto static`);
      ip(r0.namespace, '-6 rule add from 2001:db8:99::1/64 lookup 90001 pref 90001');
      ip(r0.namespace, `rule add from 10.250.0.0/24 lookup ${FIP_TABLE} pref ${FAST_PATH_PRIORITY}`);
      ip(fip0, `route add 172.21.0.0/24 via 203.0.113.50 table ${table0} proto boot`);

      const repair = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual(repair.failures, []);
      // 8 added (7 missing, the ECMP route again); 5 removed (4 stale, the single-path ECMP route).
      assert.deepEqual([repair.added, repair.removed], [8, 5]);
      assert.equal(nodeState(), before, 'the repaired node differs from before the drift');
      await check(fips);
      const again = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual([again.added, again.removed, again.failures], [0, 0, []]);
    });

    it('a subnet that joins the address scope trades its SNAT redirect for the fast path, and back', async () => {
      const fips = fipsOf(2);
      await node().associate(fips);
      const r0 = topology().routers[0];
      const v4 = r0.subnets[0];
      assert.equal(v4.addressScope, undefined);
      const scoped = { ...r0, subnets: r0.subnets.map((s) => (s === v4 ? { ...s, addressScope: true } : s)) };
      const routers = [scoped, ...topology().routers.slice(1)];
      const report = await node().resync({ routers, fips });
      assert.deepEqual(report.failures, []);
      // In: the fast-path rule and the fip namespace's route. Out: the SNAT rule and its table's default.
      assert.deepEqual([report.added, report.removed], [2, 2]);
      assert.doesNotMatch(ip(r0.namespace, 'rule'), new RegExp(`lookup ${snatIndex(v4.address)}`));
      assert.equal(ip(r0.namespace, `route show table ${snatIndex(v4.address)}`), '');
      assert.match(
        ip(r0.namespace, 'rule'),
        new RegExp(`^${FAST_PATH_PRIORITY}:\\s+from ${ipv4Network(v4.address)} lookup ${FIP_TABLE}`, 'm'),
      );
      const back = await node().resync({ routers: topology().routers, fips });
      assert.deepEqual([back.added, back.removed, back.failures], [2, 2, []]);
      await check(fips);
    });

    it('keeps one priority pool per external network: the same priority on two networks is no conflict', async () => {
      const [r0, r1, r2] = topology().routers; // r0 and r2 on network 0, r1 on network 1
      const [f0, f1, f2] = [r0, r1, r2].map((r) => topology().fixedIps.get(r.id)![0]);
      ip(r0.namespace, `rule add from ${f0} lookup ${FIP_TABLE} pref 50000`);
      ip(r1.namespace, `rule add from ${f1} lookup ${FIP_TABLE} pref 50000`);
      const reopened = await reopen(11);
      assert.deepEqual(reopened.conflicts, []);
      assert.equal(reopened.priorityOf({ floatingIp: '', fixedIp: f0, routerId: r0.id }), 50000);
      assert.equal(reopened.priorityOf({ floatingIp: '', fixedIp: f1, routerId: r1.id }), 50000);
      // The same priority twice on one network is a conflict.
      ip(r2.namespace, `rule add from ${f2} lookup ${FIP_TABLE} pref 50000`);
      const again = await reopen(11);
      assert.deepEqual(
        again.conflicts.map((c) => [c.priority, c.namespace]),
        [[50000, r2.namespace]],
      );
    });

    it('tears routers down completely, IPv6, extra routes and address scopes included', async () => {
      await node().associate(fipsOf(2));
      await node().teardownRouters(topology().routers);
      assert.deepEqual(await leftovers(), []);
    });

    it('refuses external networks and routers that do not fit together, before anything is sent', async () => {
      const [ext0, ext1] = topology().externals;
      const r0 = topology().routers[0];
      const refused = async (options: unknown, field: RegExp) => {
        await assert.rejects(DvrNode.open(options as never), (e: unknown) => e instanceof ValidationError && field.test(e.field));
      };
      await refused({ external: ext0, externals: [ext0, ext1], routers: [] }, /^external$/);
      await refused({ externals: [{ ...ext0, id: undefined }, ext1], routers: [] }, /^externals\[0\]\.id$/);
      await refused({ externals: [ext0, { ...ext1, id: ext0.id }], routers: [] }, /^externals\[1\]\.id$/);
      await refused({ externals: [ext0, ext1], routers: [{ ...r0, external: undefined }] }, /^routers\[0\]\.external$/);
      await refused({ externals: [ext0, ext1], routers: [{ ...r0, external: 'toString' }] }, /^routers\[0\]\.external$/);
      const v6 = r0.subnets.find((s) => s.address.includes(':'))!;
      await refused({ externals: [ext0, ext1], routers: [{ ...r0, subnets: [{ ...v6, addressScope: true }] }] }, /addressScope$/);
      await refused({ externals: [ext0, ext1], routers: [{ ...r0, subnets: [{ ...v6, snatAddress: '10.0.0.3' }] }] }, /snatAddress$/);
      await refused(
        { externals: [ext0, ext1], routers: [{ ...r0, extraRoutes: [{ destination: '10.9.0.1/24', nexthop: '10.0.0.4' }] }] },
        /destination$/,
      );
      await refused(
        { externals: [ext0, ext1], routers: [{ ...r0, extraRoutes: [{ destination: '10.9.0.0/24', nexthop: '2001:db8::1' }] }] },
        /nexthop$/,
      );
      await refused({ externals: [{ ...ext0, gateway6: '10.0.0.1' }, ext1], routers: [] }, /gateway6$/);
      const r2 = topology().routers[2]; // on network 0 too
      await refused({ externals: [ext0, ext1], routers: [r0, { ...r2, id: r0.id }] }, /^routers\[1\]\.id$/);
      await refused(
        { externals: [ext0, ext1], routers: [r0, { ...r2, linkLocalIndex: r0.linkLocalIndex }] },
        /^routers\[1\]\.linkLocalIndex$/,
      );
      // The same /31 on another external network is another fip namespace's: fine.
      const r1 = topology().routers[1];
      await (await DvrNode.open({ externals: [ext0, ext1], routers: [r0, { ...r1, linkLocalIndex: r0.linkLocalIndex }] })).close();
    });
  },
);

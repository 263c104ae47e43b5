// DvrNode.watch(): drift made by another process (`ip`) in a node's namespaces is
// repaired from the node's desired state, without a resync call; the node's own
// writes are not drift, and objects it does not own are left alone.
import assert from 'node:assert/strict';

import { NlrouteError } from '../../lib';
import { deviceName, linkLocalPair, routerTable, type DvrGuard, type RepairEvent } from '../../lib/dvr';
import { ipIn as ip } from '../../scripts/ip-commands';
import { describeDvrNode } from '../helpers/dvr-node';

/** Polls `done` every 20 ms until it holds; fails after `limitMs`. */
async function until(done: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    assert.ok(Date.now() < deadline, `not done in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The next repair, whatever it is. */
async function nextRepair(guard: DvrGuard): Promise<RepairEvent> {
  const next = await guard.next();
  assert.equal(next.done, false, 'the guard ended');
  return next.value;
}

/** Repairs until the node is back to `expected` (a burst may be repaired in more than one go). */
async function repairedTo(guard: DvrGuard, nodeState: () => string, expected: string): Promise<RepairEvent[]> {
  const repairs: RepairEvent[] = [];
  while (nodeState() !== expected) repairs.push(await nextRepair(guard));
  return repairs;
}

describeDvrNode(
  'DVR node guard',
  { profile: { name: 'test', routers: 2, fipsPerRouter: 3, subnets: 2 }, prefix: 'nlrt-dvg', seed: 7 },
  ({ topology, node, reopen, fipsOf, check, nodeState }) => {
    it('repairs every kind of drift in its own objects, each from the desired state', async function () {
      this.timeout(60_000);
      const fips = fipsOf(3);
      assert.ok((await node().associate(fips)).every((r) => r.ok));
      const guard = node().watch();
      await guard.ready;
      const before = nodeState();
      const fipNs = topology().external.namespace;
      const [r0, r1] = topology().routers;
      const pair1 = linkLocalPair(r1.linkLocalIndex);
      const drifts: Array<[string, () => void]> = [
        ['a floating-IP rule deleted', () => ip(r0.namespace, `rule del from ${fips[0].fixedIp} lookup 16`)],
        ['a /32 deleted', () => ip(fipNs, `route del ${fips[4].floatingIp}/32`)],
        [
          'a stale /32 through a router added',
          () => ip(fipNs, `route add 100.127.0.20/32 via ${pair1.rfp} dev ${deviceName('fpr-', r1.id)} proto static`),
        ],
        ['a foreign floating-IP rule in table 16 added', () => ip(r1.namespace, 'rule add from 10.99.0.9 lookup 16 pref 40001')],
        ["a router's default route in the fip namespace deleted", () => ip(fipNs, `route del default table ${routerTable(pair1.fpr)}`)],
        ['the qrouter table-16 default deleted', () => ip(r0.namespace, 'route del default table 16')],
      ];
      for (const [what, drift] of drifts) {
        drift();
        const repairs = await repairedTo(guard, nodeState, before);
        assert.ok(repairs.length >= 1, `${what}: no repair`);
        const fixed = repairs.reduce((n, r) => n + r.report.added + r.report.removed, 0);
        assert.ok(fixed >= 1, `${what}: ${JSON.stringify(repairs)}`);
        assert.deepEqual(
          repairs.flatMap((r) => r.report.failures),
          [],
          what,
        );
      }
      await check(fips);
      await guard.close();
    });

    it("ignores the node's own writes, and leaves objects it does not own alone", async function () {
      this.timeout(60_000);
      const fips = fipsOf(2);
      const guard = node().watch();
      await guard.ready;
      // Nor the kernel's own routes: a device that comes up in the fip namespace gets
      // IPv6 link-local routes at once, and its local route when duplicate address
      // detection ends, about a second later.
      const fipNs = topology().external.namespace;
      ip(fipNs, 'link add nlg0 type veth peer name nlg1');
      ip(fipNs, 'link set nlg0 up');
      ip(fipNs, 'link set nlg1 up');
      await until(() => /local fe80:.* dev nlg0 /.test(ip(fipNs, '-6 route show table local')), 10_000);
      // The node's own changes: no repair may follow them (the next one is for the marker below).
      assert.ok((await node().associate(fips)).every((r) => r.ok));
      assert.ok((await node().disassociate(fips.slice(0, 1))).every((r) => r.ok));
      const [r0] = topology().routers;
      ip(r0.namespace, 'route add 172.16.9.0/24 dev lo proto static'); // not the node's: a change beside it
      const first = await nextRepair(guard);
      assert.deepEqual(first.namespaces, [r0.namespace]);
      assert.deepEqual([first.report.added, first.report.removed, first.report.failures.length], [0, 0, 0]);
      assert.match(ip(r0.namespace, 'route show 172.16.9.0/24'), /172\.16\.9\.0\/24/);
      await check(fips.slice(1));
      await guard.close();
    });

    it('keeps the desired state a resync gives it, and ends when the node closes', async function () {
      this.timeout(60_000);
      const guard = node().watch();
      await guard.ready;
      const fips = fipsOf(1);
      assert.ok((await node().resync({ routers: topology().routers, fips })).failures.length === 0);
      const before = nodeState();
      const [, r1] = topology().routers;
      ip(r1.namespace, `rule del from ${fips[1].fixedIp} lookup 16`);
      await repairedTo(guard, nodeState, before);
      await node().close();
      assert.deepEqual(await guard.next(), { value: undefined, done: true });
    });

    it('refuses to start while the node does not know its floating IPs (an adopted node before resync)', async function () {
      const fips = fipsOf(1);
      await node().associate(fips);
      const reopened = await reopen(9);
      assert.throws(() => reopened.watch(), NlrouteError);
      await reopened.resync({ routers: topology().routers, fips });
      const guard = reopened.watch();
      await guard.ready;
      await guard.close();
    });
  },
);

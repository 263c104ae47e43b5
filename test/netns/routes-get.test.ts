// `route get`: the route the kernel would use, checked against `ip -j route get`,
// including the DVR lookup a floating IP depends on.
import assert from 'node:assert/strict';

import { ValidationError, type Route } from '../../lib';
import { rejectsWithCode as rejectsWith } from '../helpers/assertions';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';
import { ipRouteGet } from '../helpers/route-witness';

const PICK = ['type', 'table', 'via', 'dev', 'src', 'iif', 'mark'] as const;
const picked = (r: Route) => Object.fromEntries(PICK.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));

/**
 * A qrouter namespace as Neutron's DVR builds it: internal port qr-x (10.0.0.1/24), the
 * rfp-x end of the router-to-fip veth (169.254.106.114/31), table 16 with the default
 * via the fip end, a SNAT table (id = priority = integer of 10.0.0.1) for the subnet,
 * and one floating IP's rule `from 10.0.0.5 lookup 16 pref 32768`.
 */
function qrouter(ns: ScratchNamespace): ScratchNamespace {
  ns.ip('link add qr-x type veth peer name qr-peer');
  ns.ip('link add rfp-x type veth peer name fpr-x');
  for (const dev of ['qr-x', 'qr-peer', 'rfp-x', 'fpr-x']) ns.ip(`link set ${dev} up`);
  ns.ip('addr add 10.0.0.1/24 dev qr-x');
  ns.ip('addr add 169.254.106.114/31 dev rfp-x');
  ns.ip('route add default via 169.254.106.115 dev rfp-x table 16');
  ns.ip('route add default via 10.0.0.10 dev qr-x table 167772161');
  ns.ip('rule add from 10.0.0.0/24 lookup 167772161 pref 167772161');
  ns.ip('rule add from 10.0.0.5 lookup 16 pref 32768');
  return ns;
}

describeInNamespace('routes: get', (ns) => {
  it('answers like ip route get, with the table the route came from (IPv4 and IPv6)', async () => {
    const n = ns().withTestAddresses();
    n.ip('route add 10.9.0.0/16 via 10.1.0.2 table 150');
    n.ip('rule add to 10.9.0.0/16 lookup 150');
    n.ip('-6 route add 2001:db8:70::/48 via 2001:db8::1 table 151');
    n.ip('-6 rule add to 2001:db8:70::/48 lookup 151');
    const h = await n.handle();
    const v4 = await h.routes.get('10.9.1.1');
    assert.equal(v4.table, 150);
    assert.equal(v4.dst, '10.9.1.1/32');
    assert.deepEqual(picked(v4), picked(ipRouteGet(n, 4, '10.9.1.1')));
    // IPv4 answers are cached clones: their RTCF flags are kept (none for a forwarded route).
    assert.equal(v4.cacheFlags, 0);
    assert.equal((await h.routes.get('10.1.0.1')).cacheFlags, 0x80000000); // RTCF_LOCAL
    const v6 = await h.routes.get('2001:db8:70::9');
    assert.equal(v6.table, 151);
    assert.equal(v6.cacheFlags, undefined);
    // The source IPv6 says the lookup used is not the route's own `from`.
    assert.equal(v6.from, undefined);
    assert.equal(n.ipJson<Array<{ from?: string }>>('-6 route get 2001:db8:70::9')[0].from, '::');
    assert.equal(v6.lookupFrom, '::/128');
    assert.deepEqual(picked(v6), picked(ipRouteGet(n, 6, '2001:db8:70::9')));
  });

  it('uses mark, uid, oif and from, as policy rules see them', async () => {
    const n = ns().withTestAddresses();
    n.ip('route add default via 10.1.0.2 table 150');
    n.ip('route add default via 10.2.0.2 table 151');
    n.ip('route add default via 10.1.0.3 table 152');
    n.ip('rule add fwmark 7 lookup 150');
    n.ip('rule add uidrange 1000-1000 lookup 151');
    n.ip('rule add from 10.1.0.1 lookup 152');
    const h = await n.handle();
    assert.equal((await h.routes.get('192.0.2.1', { mark: 7 })).table, 150);
    assert.equal((await h.routes.get('192.0.2.1', { uid: 1000 })).table, 151);
    assert.equal((await h.routes.get('192.0.2.1', { from: '10.1.0.1' })).table, 152);
    assert.deepEqual(picked(await h.routes.get('10.2.0.7', { oif: 'v1' })), picked(ipRouteGet(n, 4, '10.2.0.7 oif v1')));
    await rejectsWith(h.routes.get('192.0.2.1'), 'ENETUNREACH');
  });

  it('the DVR lookup: a fixed IP with a floating IP leaves via rfp (table 16), one without via SNAT', async () => {
    const n = qrouter(ns());
    n.sysctl('net.ipv4.ip_forward', 1);
    const h = await n.handle();
    const withFip = await h.routes.get('8.8.8.8', { from: '10.0.0.5', iif: 'qr-x' });
    assert.equal(withFip.table, 16);
    assert.equal(withFip.via, '169.254.106.115');
    assert.equal(withFip.dev, 'rfp-x');
    assert.equal(withFip.iif, 'qr-x');
    assert.deepEqual(picked(withFip), picked(ipRouteGet(n, 4, '8.8.8.8 from 10.0.0.5 iif qr-x')));
    const withoutFip = await h.routes.get('8.8.8.8', { from: '10.0.0.6', iif: 'qr-x' });
    assert.equal(withoutFip.table, 167772161);
    assert.equal(withoutFip.via, '10.0.0.10');
    assert.deepEqual(picked(withoutFip), picked(ipRouteGet(n, 4, '8.8.8.8 from 10.0.0.6 iif qr-x')));
  });

  it('explains an input-interface lookup refused for want of forwarding, and asks for from', async () => {
    const n = qrouter(ns());
    n.sysctl('net.ipv4.ip_forward', 0);
    const h = await n.handle();
    await rejectsWith(h.routes.get('8.8.8.8', { from: '10.0.0.5', iif: 'qr-x' }), 'EHOSTUNREACH', (e) => {
      assert.match(e.message, /forwarding/);
      assert.match(e.hint ?? '', /arriving on qr-x needs forwarding/);
    });
    await assert.rejects(h.routes.get('8.8.8.8', { iif: 'qr-x' }), (e: unknown) => e instanceof ValidationError && e.field === 'from');
    await assert.rejects(
      h.routes.get('8.8.8.8', { iif: 'nope', from: '10.0.0.5' }),
      (e: unknown) => e instanceof ValidationError && e.field === 'iif',
    );
  });

  it('takes the whole TOS byte in a lookup (ECN bits, IPv6 traffic class), as rules on tos match it', async () => {
    const n = ns().withTestAddresses();
    n.ip('rule add pref 100 tos 0x10 table 50');
    n.ip('route add 10.50.0.0/16 dev v0 table 50');
    n.ip('-6 rule add pref 100 tos 0x10 table 60');
    n.ip('-6 route add 2001:db8:60::/48 dev v0 table 60');
    const h = await n.handle();
    const v4 = await h.routes.get('10.50.0.1', { tos: 0x13 });
    assert.equal(v4.table, 50);
    assert.deepEqual(picked(v4), picked(ipRouteGet(n, 4, '10.50.0.1 tos 0x13')));
    assert.equal((await h.routes.get('10.50.0.1', { tos: 0x12, fibmatch: true })).dst, '10.50.0.0/16');
    const v6 = await h.routes.get('2001:db8:60::1', { tos: 0x11 });
    assert.equal(v6.table, 60);
    assert.deepEqual(picked(v6), picked(ipRouteGet(n, 6, '2001:db8:60::1 tos 0x11')));
    await rejectsWith(h.routes.get('2001:db8:60::1'), 'ENETUNREACH');
    // A route's own TOS stays restricted, and the refusal says the kernel would refuse it too.
    for (const spec of [
      { dst: '10.51.0.0/16', dev: 'v0', tos: 0x13 },
      { dst: '2001:db8:61::/48', dev: 'v0', tos: 0x10 },
    ]) {
      await assert.rejects(h.routes.add(spec), (e: unknown) => e instanceof ValidationError && e.field === 'tos' && e.kernelRefuses);
    }
  });

  it('reports unreachable, prohibit and blackhole as the kernel does', async () => {
    const n = ns().withTestAddresses();
    n.ip('route add unreachable 10.11.0.0/16');
    n.ip('route add prohibit 10.12.0.0/16');
    n.ip('route add blackhole 10.13.0.0/16');
    const h = await n.handle();
    await rejectsWith(h.routes.get('10.11.0.1'), 'EHOSTUNREACH', (e) => assert.equal(e.operation, 'route get'));
    await rejectsWith(h.routes.get('10.12.0.1'), 'EACCES');
    await rejectsWith(h.routes.get('10.13.0.1'), 'EINVAL');
  });

  it('fibmatch returns the FIB entry; table looks in one table only', async () => {
    const n = ns().withTestAddresses();
    n.ip('route add 10.9.0.0/16 via 10.1.0.2 metric 5');
    n.ip('route add 10.9.0.0/16 via 10.1.0.3 metric 9 table 40');
    n.ip('route add 10.9.1.0/24 via 10.1.0.4 table 40');
    n.ip('route add 10.9.1.0/24 via 10.1.0.5 table 40 metric 1');
    const h = await n.handle();
    const entry = await h.routes.get('10.9.1.1', { fibmatch: true });
    assert.equal(entry.dst, '10.9.0.0/16');
    assert.equal(entry.metric, 5);
    const inTable = await h.routes.get('10.9.1.1', { table: 40 });
    assert.deepEqual([inTable.dst, inTable.via], ['10.9.1.0/24', '10.1.0.4']);
    assert.equal((await h.routes.get('10.9.200.1', { table: 40 })).via, '10.1.0.3');
    await rejectsWith(h.routes.get('10.10.0.1', { table: 40 }), 'ENETUNREACH');
    await assert.rejects(
      h.routes.get('10.9.1.1', { table: 40, mark: 7 }),
      (e: unknown) => e instanceof ValidationError && e.field === 'mark',
    );
  });
});

// How route operations behave in the kernel: replace/change/append/prepend for IPv4
// and IPv6, delete matching, flush, list filters, and the errors people get.
import assert from 'node:assert/strict';

import { ValidationError, type Route } from '../../lib';
import { rejectsWithCode as rejectsWith } from '../helpers/assertions';
import { describeInNamespace } from '../helpers/netns';
import { ipRoutes } from '../helpers/route-witness';

const vias = (routes: Route[]) => routes.map((r) => r.via ?? r.nexthops?.map((h) => h.via).join('+'));

describeInNamespace('routes: IPv4 add, replace, change, append, prepend, test', (ns) => {
  it('add is exclusive on the key (prefix, tos, metric, table), whatever the gateway', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' });
    await rejectsWith(h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.3' }), 'EEXIST', (e) => {
      assert.equal(e.operation, 'route add');
      assert.match(e.message, /10\.9\.0\.0\/16 via 10\.1\.0\.3/);
    });
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.3', metric: 5 }); // another metric: another key
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.3', tos: 0x10 }); // another tos: another key
    assert.equal((await h.routes.list({ dst: '10.9.0.0/16' })).length, 3);
  });

  it('replace swaps the first alias or adds; change needs one to exist', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.replace({ dst: '10.9.0.0/16', via: '10.1.0.2' }); // creates
    await h.routes.replace({ dst: '10.9.0.0/16', via: '10.2.0.2' });
    assert.deepEqual(vias(await h.routes.list({ dst: '10.9.0.0/16' })), ['10.2.0.2']);
    await h.routes.change({ dst: '10.9.0.0/16', via: '10.1.0.9' });
    assert.deepEqual(vias(await h.routes.list({ dst: '10.9.0.0/16' })), ['10.1.0.9']);
    await rejectsWith(h.routes.change({ dst: '10.10.0.0/16', via: '10.1.0.9' }), 'ENOENT');
    // A different metric is a different key: change cannot reach it.
    await rejectsWith(h.routes.change({ dst: '10.9.0.0/16', via: '10.1.0.9', metric: 10 }), 'ENOENT');
    assert.deepEqual(vias(ipRoutes(ns(), 4, '10.9.0.0/16')), ['10.1.0.9']);
  });

  it('append adds an alias after, prepend before; an identical alias is EEXIST', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' });
    await h.routes.append({ dst: '10.9.0.0/16', via: '10.1.0.3' });
    await h.routes.prepend({ dst: '10.9.0.0/16', via: '10.1.0.4' });
    assert.deepEqual(vias(await h.routes.list({ dst: '10.9.0.0/16' })), ['10.1.0.4', '10.1.0.2', '10.1.0.3']);
    assert.deepEqual(vias(ipRoutes(ns(), 4, '10.9.0.0/16')), ['10.1.0.4', '10.1.0.2', '10.1.0.3']);
    await rejectsWith(h.routes.append({ dst: '10.9.0.0/16', via: '10.1.0.3' }), 'EEXIST');
  });

  it('test says whether a route with the key exists, and changes nothing', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2' });
    assert.equal(await h.routes.test({ dst: '10.9.0.0/16', via: '10.1.0.3' }), true);
    assert.equal(await h.routes.test({ dst: '10.10.0.0/16', via: '10.1.0.3' }), false);
    assert.deepEqual(
      ipRoutes(ns(), 4, 'proto boot').map((r) => r.dst),
      ['10.9.0.0/16'],
    );
    await assert.rejects(h.routes.test({ dst: '2001:db8:1::/48', via: '2001:db8::1' }), ValidationError);
  });
});

describeInNamespace('routes: IPv6 append, replace and multipath siblings', (ns) => {
  it('append joins a gateway route as a sibling; replace drops the siblings', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '2001:db8:70::/48', via: '2001:db8::1' });
    await h.routes.append({ dst: '2001:db8:70::/48', via: '2001:db8::2' });
    const [route] = await h.routes.list({ dst: '2001:db8:70::/48' });
    assert.deepEqual(
      route.nexthops?.map((n) => n.via),
      ['2001:db8::1', '2001:db8::2'],
    );
    assert.deepEqual(
      ipRoutes(ns(), 6, '2001:db8:70::/48')[0].nexthops?.map((n) => n.via),
      ['2001:db8::1', '2001:db8::2'],
    );
    await rejectsWith(h.routes.add({ dst: '2001:db8:70::/48', via: '2001:db8::3' }), 'EEXIST');
    await h.routes.replace({ dst: '2001:db8:70::/48', via: '2001:db8::3' });
    assert.deepEqual(vias(await h.routes.list({ dst: '2001:db8:70::/48' })), ['2001:db8::3']);
  });

  it('delete with a gateway removes only that hop; without one, the route and its siblings', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '2001:db8:70::/48', nexthops: [1, 2, 3].map((i) => ({ via: `2001:db8::${i}`, dev: 'v0' })) });
    await h.routes.delete({ dst: '2001:db8:70::/48', via: '2001:db8::2' });
    assert.deepEqual(
      (await h.routes.list({ dst: '2001:db8:70::/48' }))[0].nexthops?.map((n) => n.via),
      ['2001:db8::1', '2001:db8::3'],
    );
    await h.routes.delete({ dst: '2001:db8:70::/48' });
    assert.deepEqual(await h.routes.list({ dst: '2001:db8:70::/48' }), []);
    // IPv6 ignores the type when deleting, as ip does.
    await h.routes.add({ dst: '2001:db8:71::/48', via: '2001:db8::1' });
    await h.routes.delete({ type: 'blackhole', dst: '2001:db8:71::/48' });
    assert.deepEqual(ipRoutes(ns(), 6, '2001:db8:71::/48'), []);
  });
});

describeInNamespace('routes: delete matching and flush', (ns) => {
  it('delete({ dst }) removes the first alias whatever its metric, gateway or scope', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.9.0.0/16', dev: 'v0', metric: 3 }); // scope link
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2', metric: 5 });
    await h.routes.delete({ dst: '10.9.0.0/16' });
    assert.deepEqual(
      (await h.routes.list({ dst: '10.9.0.0/16' })).map((r) => r.metric),
      [5],
    );
    await rejectsWith(h.routes.delete({ dst: '10.9.0.0/16', via: '10.1.0.3' }), 'ESRCH');
    await rejectsWith(h.routes.delete({ dst: '10.9.0.0/16', metric: 5, protocol: 'static' }), 'ESRCH');
    await h.routes.delete({ dst: '10.9.0.0/16', via: '10.1.0.2', metric: 5, protocol: 'boot' });
    await rejectsWith(h.routes.delete({ dst: '10.9.0.0/16' }), 'ESRCH');
  });

  it('a tos route needs its tos to be deleted; a missing table is ESRCH', async () => {
    const h = await ns().withTestAddresses().handle();
    await h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2', tos: 0x10 });
    await rejectsWith(h.routes.delete({ dst: '10.9.0.0/16' }), 'ESRCH');
    await h.routes.delete({ dst: '10.9.0.0/16', tos: 0x10 });
    await rejectsWith(h.routes.delete({ dst: '10.9.0.0/16', table: 4242 }), 'ESRCH', (e) => assert.match(e.extack ?? '', /table/i));
  });

  it('flush deletes what the filter selects, by table and by protocol, and counts it', async () => {
    const h = await ns().withTestAddresses().handle();
    for (let i = 0; i < 50; i++) await h.routes.add({ dst: `10.100.${i}.0/24`, via: '10.1.0.2', table: 100 });
    for (let i = 0; i < 20; i++) await h.routes.add({ dst: `10.101.${i}.0/24`, via: '10.1.0.2', protocol: 'static' });
    await h.routes.add({ dst: '10.102.0.0/24', via: '10.1.0.2' });
    assert.equal(await h.routes.flush({ table: 100 }), 50);
    assert.deepEqual(ipRoutes(ns(), 4, 'table 100'), []);
    assert.equal(await h.routes.flush({ protocol: 'static' }), 20);
    assert.deepEqual(
      ipRoutes(ns(), 4, 'proto boot').map((r) => r.dst),
      ['10.102.0.0/24'],
    );
    assert.equal(await h.routes.flush({ table: 100 }), 0);
    await assert.rejects((h.routes.flush as (f?: object) => Promise<number>)(), ValidationError);
  });

  it('flush deletes exactly the alias it selected, not the first of its key', async () => {
    const h = await ns().withTestAddresses().handle();
    ns().ip('route add 10.9.0.0/16 via 10.1.0.2');
    ns().ip('route append 10.9.0.0/16 via 10.1.0.3');
    assert.equal(await h.routes.flush({ via: '10.1.0.3' }), 1);
    assert.deepEqual(vias(ipRoutes(ns(), 4, '10.9.0.0/16')), ['10.1.0.2']);
  });
});

describeInNamespace('routes: list filters', (ns) => {
  async function populated() {
    const n = ns().withTestAddresses();
    const h = await n.handle();
    await h.routes.add({ dst: '10.0.0.0/8', via: '10.1.0.2', table: 'main' });
    await h.routes.add({ dst: '10.20.0.0/16', via: '10.1.0.2', metric: 20 });
    await h.routes.add({ dst: '10.20.30.0/24', dev: 'v1', protocol: 'static', src: '10.2.0.1' });
    await h.routes.add({ type: 'blackhole', dst: '10.30.0.0/16' });
    await h.routes.add({ dst: '10.40.0.0/16', via: '10.1.0.2', table: 40 });
    await h.routes.add({ dst: '2001:db8:70::/48', via: '2001:db8::1' });
    return h;
  }
  const dsts = (routes: Route[]) => routes.map((r) => r.dst).sort();

  it('main by default (both families), no local table; a table by name, number or all', async () => {
    const h = await populated();
    const main = await h.routes.list();
    assert.ok(main.every((r) => r.table === 254));
    assert.ok(main.some((r) => r.family === 6) && main.some((r) => r.family === 4));
    assert.deepEqual(dsts(await h.routes.list({ table: 40 })), ['10.40.0.0/16']);
    assert.ok((await h.routes.list({ table: 'local' })).every((r) => r.table === 255));
    const all = await h.routes.list({ table: 'all' });
    assert.ok(all.some((r) => r.table === 255) && all.some((r) => r.table === 40));
    assert.deepEqual(await h.routes.list({ table: 4242 }), []); // never created: no routes
    // ...unless asked to tell "never created" from "empty", as `ip route show table N` does
    await rejectsWith(h.routes.list({ family: 4, table: 4242, missingTable: 'error' }), 'ENOENT', (e) =>
      assert.match(e.extack ?? '', /does not exist/),
    );
    await rejectsWith(h.routes.list({ family: 6, table: 4242, missingTable: 'error' }), 'ENOENT');
    assert.deepEqual(dsts(await h.routes.list({ table: 40, missingTable: 'error' })), ['10.40.0.0/16']);
  });

  it('by protocol, type, dev and family (in the kernel), as ip shows them', async () => {
    const h = await populated();
    assert.deepEqual(dsts(await h.routes.list({ protocol: 'static' })), ['10.20.30.0/24']);
    assert.deepEqual(dsts(await h.routes.list({ type: 'blackhole' })), ['10.30.0.0/16']);
    assert.deepEqual(dsts(await h.routes.list({ dev: 'v1', family: 4 })), dsts(ipRoutes(ns(), 4, 'dev v1')));
    assert.ok((await h.routes.list({ family: 6 })).every((r) => r.family === 6));
  });

  it('by prefix (exact, root, match), via, src, metric and scope', async () => {
    const h = await populated();
    assert.deepEqual(dsts(await h.routes.list({ dst: '10.20.0.0/16' })), ['10.20.0.0/16']);
    assert.deepEqual(dsts(await h.routes.list({ root: '10.20.0.0/16' })), ['10.20.0.0/16', '10.20.30.0/24']);
    assert.deepEqual(dsts(await h.routes.list({ match: '10.20.30.40' })), dsts(ipRoutes(ns(), 4, 'match 10.20.30.40')));
    assert.deepEqual(dsts(await h.routes.list({ via: '10.1.0.2' })), ['10.0.0.0/8', '10.20.0.0/16']);
    assert.deepEqual(dsts(await h.routes.list({ src: '10.2.0.1' })), dsts(ipRoutes(ns(), 4, 'src 10.2.0.1')));
    assert.deepEqual(dsts(await h.routes.list({ metric: 20 })), ['10.20.0.0/16']);
    assert.deepEqual(dsts(await h.routes.list({ scope: 'link', family: 4 })), dsts(ipRoutes(ns(), 4, 'scope link')));
    await assert.rejects(h.routes.list({ dst: '10.0.0.0/8', root: '10.0.0.0/8' }), ValidationError);
    await assert.rejects(h.routes.list({ dev: 'nope' }), (e: unknown) => e instanceof ValidationError && e.field === 'dev');
  });
});

describeInNamespace('routes: kernel errors and names', (ns) => {
  it("carry the errno name and the kernel's extended ACK", async () => {
    const h = await ns().withTestAddresses().handle();
    await rejectsWith(h.routes.add({ dst: '10.9.0.0/16', via: '10.77.0.1' }), 'ENETUNREACH', (e) => {
      assert.equal(e.extack, 'Nexthop has invalid gateway');
    });
    await rejectsWith(h.routes.add({ dst: '10.9.0.0/16', via: '10.1.0.2', src: '10.99.0.1' }), 'EINVAL', (e) => {
      assert.match(e.extack ?? '', /prefsrc/i);
    });
    await rejectsWith(h.routes.add({ dst: '10.9.0.0/16', nhid: 77 }), 'EINVAL', (e) => assert.match(e.extack ?? '', /[Nn]exthop id/));
    await rejectsWith(h.routes.add({ type: 'blackhole', dst: '10.9.0.0/16', dev: 'v0' }), 'EINVAL');
    // Route NAT is gone from the kernel: ip's defaults for it are refused, and so are ours, alike.
    const ip = ns().ipTry('route add nat 10.16.0.1 via 10.1.0.9');
    await rejectsWith(h.routes.add({ type: 'nat', dst: '10.16.0.1', via: '10.1.0.9' }), 'EINVAL', (e) => {
      assert.ok(ip.status !== 0 && ip.stderr.includes(e.extack ?? '?'), `ip said: ${ip.stderr}`);
    });
  });

  it('the seed: ip route add 78.22.45.0/24 via 10.45.22.1 src 10.45.22.12', async () => {
    const n = ns();
    n.ip('addr add 10.45.22.12/24 dev v0');
    const h = await n.handle();
    await h.routes.add({ dst: '78.22.45.0/24', via: '10.45.22.1', src: '10.45.22.12' });
    const [route] = ipRoutes(n, 4, '78.22.45.0/24');
    assert.equal(route.via, '10.45.22.1');
    assert.equal(route.src, '10.45.22.12');
    assert.equal(route.dev, 'v0');
  });

  it('resolves names from the namespace files, and devices created after the handle opened', async () => {
    const n = ns().withTestAddresses();
    n.writeIproute2File('rt_tables', '16 snat\n200 dvr_fip\n');
    n.writeIproute2File('rt_protos', '77 neutron\n');
    const h = await n.handle();
    await h.routes.list(); // fills the device cache
    n.ip('link add fpr-x type veth peer name rfp-x');
    n.ip('link set fpr-x up');
    n.ip('addr add 169.254.106.114/31 dev fpr-x');
    await h.routes.add({ dst: '198.51.100.7/32', via: '169.254.106.115', dev: 'fpr-x', table: 'dvr_fip', protocol: 'neutron' });
    const [route] = ipRoutes(n, 4, 'table 200');
    assert.equal(route.dev, 'fpr-x');
    assert.equal(route.protocol, 77);
    assert.deepEqual((await h.routes.list({ table: 'dvr_fip' }))[0].dev, 'fpr-x');
  });
});

// Every route type and attribute, both ways: what nlroute adds, `ip` reads back the
// same; what `ip` adds, nlroute reads back the same; and a listed route deletes
// exactly itself.
import assert from 'node:assert/strict';

import type { Route, RouteSpec } from '../../lib';
import { describeInNamespace } from '../helpers/netns';
import { comparable, ipAllRoutes } from '../helpers/route-witness';

/** Addresses that make gateways reachable: v0 is 10.1.0.1/24 and 2001:db8::5/64. */
// One spec per kind of route, with the fields nlroute must report back for it.

/** Every route metric nlroute speaks, each with a value the kernel keeps. */
const EVERY_METRIC = {
  mtu: 1400,
  advmss: 1360,
  window: 9,
  rtt: 80,
  rttvar: 40,
  ssthresh: 6,
  cwnd: 7,
  initcwnd: 3,
  initrwnd: 4,
  reordering: 3,
  hoplimit: 5,
  features: 'ecn',
  quickack: true,
  congctl: 'cubic',
  rtoMin: 30,
  fastopenNoCookie: true,
} as const;
const SPECS: Array<[string, RouteSpec, Partial<Route>]> = [
  ['gateway', { dst: '10.9.0.0/16', via: '10.1.0.2' }, { via: '10.1.0.2', dev: 'v0', protocol: 3, scope: 0 }],
  [
    'device, metric, table > 255, protocol name',
    { dst: '10.160.0.0/16', dev: 'v0', metric: 100, protocol: 'static', table: 1000 },
    { dev: 'v0', metric: 100, protocol: 4, table: 1000, scope: 253 },
  ],
  ['preferred source (the seed)', { dst: '10.3.0.0/16', via: '10.1.0.2', src: '10.1.0.1' }, { src: '10.1.0.1' }],
  [
    'tos and onlink',
    { dst: '10.4.0.0/24', via: '10.77.0.1', dev: 'v0', onlink: true, tos: 0x10 },
    { tos: 0x10, onlink: true, via: '10.77.0.1' },
  ],
  ['realms', { dst: '10.5.0.0/16', via: '10.1.0.2', realms: '3/4' }, { realms: 0x30004 }],
  ['via inet6', { dst: '10.6.0.0/16', via: '2001:db8::1', dev: 'v0' }, { via: '2001:db8::1' }],
  ['scope name', { dst: '10.7.0.0/16', dev: 'v0', scope: 'host' }, { scope: 254 }],
  [
    'multipath with weights',
    {
      dst: '10.8.0.0/16',
      nexthops: [
        { via: '10.1.0.2', dev: 'v0' },
        { via: '10.2.0.2', dev: 'v1', weight: 3 },
      ],
    },
    {
      nexthops: [
        { weight: 1, via: '10.1.0.2', dev: 'v0' },
        { weight: 3, via: '10.2.0.2', dev: 'v1' },
      ],
    },
  ],
  [
    'metrics',
    {
      dst: '10.10.0.0/16',
      via: '10.1.0.2',
      metrics: { ...EVERY_METRIC, lock: ['mtu'] },
    },
    {
      metrics: { ...EVERY_METRIC, lock: ['mtu', 'rtoMin'] },
    },
  ],
  ['default route in a table', { dst: 'default', via: '10.1.0.2', table: 16 }, { dst: 'default', table: 16 }],
  ['unreachable', { type: 'unreachable', dst: '10.11.0.0/16', table: 5 }, { type: 'unreachable', table: 5 }],
  ['prohibit', { type: 'prohibit', dst: '10.12.0.0/16' }, { type: 'prohibit' }],
  ['blackhole', { type: 'blackhole', dst: '10.13.0.0/16' }, { type: 'blackhole' }],
  ['throw', { type: 'throw', dst: '10.14.0.0/16', table: 20 }, { type: 'throw', table: 20 }],
  ['local (local table, scope host)', { type: 'local', dst: '10.15.0.1', dev: 'v0' }, { type: 'local', table: 255, scope: 254 }],
  ['broadcast', { type: 'broadcast', dst: '10.15.0.255', dev: 'v0' }, { type: 'broadcast', table: 255, scope: 253 }],
  ['anycast', { type: 'anycast', dst: '10.16.0.0/16', dev: 'v0' }, { type: 'anycast', table: 255, scope: 253 }],
  ['multicast', { type: 'multicast', dst: '224.1.0.0/16', dev: 'v0' }, { type: 'multicast', scope: 253 }],
  [
    'IPv6 gateway and metric',
    { dst: '2001:db8:70::/48', via: '2001:db8::1', metric: 512 },
    { via: '2001:db8::1', metric: 512, pref: 'medium' },
  ],
  [
    'IPv6 source prefix',
    { dst: '2001:db8:a::/48', from: '2001:db8:b::/48', via: '2001:db8::1' },
    { from: '2001:db8:b::/48', metric: 1024 },
  ],
  ['IPv6 pref and expires', { dst: '2001:db8:9::/48', dev: 'v0', pref: 'high', expires: 300 }, { pref: 'high' }],
  [
    'IPv6 multipath',
    {
      dst: '2001:db8:71::/48',
      nexthops: [
        { via: '2001:db8::1', dev: 'v0' },
        { via: '2001:db8::2', dev: 'v0' },
      ],
    },
    {
      nexthops: [
        { weight: 1, via: '2001:db8::1', dev: 'v0' },
        { weight: 1, via: '2001:db8::2', dev: 'v0' },
      ],
    },
  ],
  ['IPv6 blackhole', { type: 'blackhole', dst: '2001:db8:72::/48' }, { type: 'blackhole' }],
  ['IPv6 default in a table', { dst: 'default', family: 6, via: '2001:db8::1', table: 300 }, { dst: 'default', table: 300 }],
];

describeInNamespace('routes: every type and attribute, both ways', (ns) => {
  it('what nlroute adds, nlroute and `ip -j route show table all` read back identically', async () => {
    const h = await ns().withTestAddresses().handle();
    for (const [what, spec] of SPECS) {
      await h.routes.add(spec).catch((e: Error) => assert.fail(`${what}: ${e.message}`));
    }
    const ours = await h.routes.list({ table: 'all' });
    assert.deepEqual(comparable(ours), comparable(ipAllRoutes(ns())));
    for (const [what, spec, expected] of SPECS) {
      const family = spec.family ?? (String(spec.dst).includes(':') ? 6 : 4);
      const found = ours.filter((r) => r.family === family && r.dst === normal(spec.dst!, family) && r.type === (spec.type ?? 'unicast'));
      assert.equal(found.length, 1, `${what}: ${JSON.stringify(found)}`);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(found[0][key as keyof Route], value, `${what}: ${key}`);
      }
    }
    // Locks are not in ip's JSON; its text shows them.
    assert.match(ns().ip('route show 10.10.0.0/16'), /mtu lock 1400/);
    const expires = ours.find((r) => r.dst === '2001:db8:9::/48')?.expires;
    assert.ok(expires !== undefined && expires > 250 && expires <= 300, `expires ${expires}`);
  });

  it('what `ip` adds, nlroute reads back as ip does', async () => {
    const n = ns().withTestAddresses();
    const commands = [
      'route add 10.9.0.0/16 via 10.1.0.2 proto bird metric 7',
      'route add 10.160.0.0/16 dev v0 metric 100 proto static table 1000 mtu lock 1400 advmss 1300 rtt 80 congctl lock cubic quickack 1 features ecn rto_min 30ms',
      'route add 10.161.0.0/16 nexthop via 10.1.0.2 dev v0 weight 1 nexthop via 10.2.0.2 dev v1 weight 3',
      'route add 10.7.0.0/16 via inet6 2001:db8::1 dev v0',
      'route add blackhole 10.8.0.0/16 realms 3/4',
      'route add 10.9.0.0/24 via 10.1.0.2 src 10.1.0.1 onlink tos 0x10 dev v0',
      '-6 route add 2001:db8:a::/48 from 2001:db8:b::/48 via 2001:db8::1',
      '-6 route add 2001:db8:9::/48 dev v0 pref low',
      'route add unreachable 10.11.0.0/16 table 5',
      'route add prohibit default table 6',
    ];
    for (const c of commands) n.ip(c);
    const h = await n.handle();
    assert.deepEqual(comparable(await h.routes.list({ table: 'all' })), comparable(ipAllRoutes(n)));
    const locked = (await h.routes.list({ table: 1000 }))[0].metrics?.lock;
    assert.deepEqual(locked, ['mtu', 'rtoMin', 'congctl']);
  });

  it('a route from list() deletes exactly itself, and nothing else', async () => {
    const h = await ns().withTestAddresses().handle();
    for (const [, spec] of SPECS) await h.routes.add(spec);
    // Two aliases of one IPv4 key that differ only in gateway: each must delete itself.
    await h.routes.append({ dst: '10.9.0.0/16', via: '10.1.0.3' });
    const ours = async () => (await h.routes.list({ table: 'all' })).filter((r) => r.protocol !== KERNEL);
    const mine = await ours();
    assert.equal(mine.length, SPECS.length + 1);
    for (const [i, route] of mine.entries()) {
      await h.routes.delete(route);
      const left = comparable(await ours());
      assert.deepEqual(left, comparable(mine.slice(i + 1)), `after deleting ${JSON.stringify(route)}`);
    }
    assert.deepEqual(
      ipAllRoutes(ns()).filter((r) => r.protocol !== KERNEL),
      [],
    );
  });

  it('a listed route has its keys in one order, whichever fields it has', async () => {
    // The common shapes are made by literals of their own (lib/routes/unpack.ts); the
    // same routes with a metric take the general path. Both give one order.
    const h = await ns().withTestAddresses().handle();
    const shapes: RouteSpec[] = [
      { dst: '10.40.0.0/16', via: '10.1.0.2', table: 100 },
      { dst: '10.41.0.0/16', dev: 'v0', table: 100 },
    ];
    for (const spec of shapes) {
      await h.routes.add(spec);
      await h.routes.add({ ...spec, metric: 7 });
    }
    const keys = (await h.routes.list({ table: 100 })).map((r) => Object.keys(r));
    assert.deepEqual(keys, [
      ['family', 'type', 'table', 'dst', 'protocol', 'scope', 'via', 'dev'],
      ['family', 'type', 'table', 'dst', 'protocol', 'scope', 'via', 'metric', 'dev'],
      ['family', 'type', 'table', 'dst', 'protocol', 'scope', 'dev'],
      ['family', 'type', 'table', 'dst', 'protocol', 'scope', 'metric', 'dev'],
    ]);
  });
});

const KERNEL = 2; // routes the kernel made for the addresses

function normal(dst: string, family: 4 | 6): string {
  if (dst === 'default' || dst.includes('/')) return dst;
  return `${dst}/${family === 4 ? 32 : 128}`;
}

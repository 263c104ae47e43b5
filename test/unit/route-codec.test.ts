// Routes through the TypeScript defaults and the native codec, no socket and no
// root: the bytes must be what iproute2 6.1 sent for the same commands
// (shared/reference section 10; there v0 had ifindex 3 and v2 ifindex 7).
import assert from 'node:assert/strict';

import type { LinkNames } from '../../lib/links';
import { addon, NLM_F, type RouteRecord } from '../../lib/native';
import { NameRegistry } from '../../lib/names/registry';
import { RTM_F } from '../../lib/routes/codes';
import { routeToRecord, type RoutePurpose } from '../../lib/routes/to-record';
import type { RouteSpec } from '../../lib/routes/types';
import { unpackRoutes } from '../../lib/routes/unpack';
import { ValidationError } from '../../lib';

const { codec } = addon;
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const REQUEST_ACK = 0x01 | 0x04;
const DEVICES: Record<string, number> = { v0: 3, v2: 7 };
const context = {
  names: new NameRegistry({ configDir: '/nonexistent' }),
  links: {
    indexOf: (name: string) => Promise.resolve(DEVICES[name]),
    cachedIndex: (name: string) => DEVICES[name],
  } as unknown as LinkNames,
};

function encode(purpose: RoutePurpose, flags: number, spec: RouteSpec): Buffer {
  const record = routeToRecord(spec, purpose, context);
  return codec.encodeRoute(purpose, REQUEST_ACK | flags, 0, record);
}
const ADD = NLM_F.CREATE | NLM_F.EXCL;

describe('wire codec: routes (iproute2 defaults, golden bytes)', () => {
  it('`ip route add 10.9.0.0/16 via 10.1.0.2`: proto boot, scope universe', () => {
    assert.deepEqual(
      encode('add', ADD, { dst: '10.9.0.0/16', via: '10.1.0.2' }),
      hex('2c000000 1800 0506 00000000 00000000 02 10 00 00 fe 03 00 01 00000000 0800 0100 0a090000 0800 0500 0a010002'),
    );
  });

  it('a device route gets scope link; table 1000 goes in RTA_TABLE; mtu lock is RTAX_LOCK after the value', () => {
    const bytes = encode('add', ADD, {
      dst: '10.160.0.0/16',
      dev: 'v0',
      metric: 100,
      proto: 'static',
      table: 1000,
      metrics: { mtu: 1400, lock: ['mtu'] },
    });
    assert.deepEqual(
      bytes,
      hex(`50000000 1800 0506 00000000 00000000 02 10 00 00 00 04 fd 01 00000000 0800 0100 0aa00000
      0800 0600 64000000 0800 0f00 e8030000 0800 0400 03000000 1400 0800 0800 0200 78050000 0800 0100 04000000`),
    );
  });

  it('multipath: rtnexthop records with hops = weight - 1', () => {
    const bytes = encode('add', ADD, {
      dst: '10.161.0.0/16',
      nexthops: [
        { via: '10.1.0.2', dev: 'v0', weight: 1 },
        { via: '10.2.0.2', dev: 'v2', weight: 3 },
      ],
    });
    assert.deepEqual(
      bytes,
      hex(`48000000 1800 0506 00000000 00000000 02 10 00 00 fe 03 00 01 00000000 0800 0100 0aa10000
      2400 0900 1000 0000 03000000 0800 0500 0a010002 1000 0002 07000000 0800 0500 0a020002`),
    );
  });

  it('`ip route del 10.9.0.0/16`: protocol, type 0 and scope nowhere are wildcards', () => {
    assert.deepEqual(
      encode('delete', 0, { dst: '10.9.0.0/16' }),
      hex('24000000 1900 0500 00000000 00000000 02 10 00 00 fe 00 ff 00 00000000 0800 0100 0a090000'),
    );
  });

  it('`ip -6 route add 2001:db8:70::/48 via 2001:db8:1::2 metric 512`', () => {
    assert.deepEqual(
      encode('add', ADD, { dst: '2001:db8:70::/48', via: '2001:db8:1::2', metric: 512 }),
      hex(`4c000000 1800 0506 00000000 00000000 0a 30 00 00 fe 03 00 01 00000000
        1400 0100 20010db8007000000000000000000000 1400 0500 20010db8000100000000000000000002 0800 0600 00020000`),
    );
  });

  it('route get: no ACK, LOOKUP_TABLE for IPv4 only', () => {
    const get4: RouteRecord = { family: 2, dst: '10.9.1.1', dstLen: 32, flags: RTM_F.LOOKUP_TABLE };
    assert.deepEqual(
      codec.encodeRoute('get', 0x01, 0, get4),
      hex('24000000 1a00 0100 00000000 00000000 02 20 00 00 00 00 00 00 00100000 0800 0100 0a090101'),
    );
    const get6: RouteRecord = { family: 10, dst: '2001:db8:9::1', dstLen: 128 };
    assert.deepEqual(
      codec.encodeRoute('get', 0x01, 0, get6),
      hex('30000000 1a00 0100 00000000 00000000 0a 80 00 00 00 00 00 00 00000000 1400 0100 20010db8000900000000000000000001'),
    );
  });

  it('dump requests: RTA_TABLE 254 for `ip route show`, nothing for `table all`', () => {
    assert.deepEqual(
      codec.encodeRouteDump({ family: 2, table: 254 }, 0),
      hex('24000000 1a00 0103 00000000 00000000 02 00 00 00 00 00 00 00 00000000 0800 0f00 fe000000'),
    );
    assert.deepEqual(codec.encodeRouteDump({}, 0), hex('1c000000 1a00 0103 00000000 00000000 00 00 00 00 00 00 00 00 00000000'));
  });

  it('local, broadcast, nat and anycast go to the local table with their scopes', () => {
    const header = (spec: RouteSpec) => {
      const r = routeToRecord(spec, 'add', context);
      return [r.table, r.scope, r.type];
    };
    assert.deepEqual(header({ type: 'local', dst: '10.1.0.9', dev: 'v0' }), [255, 254, 2]);
    assert.deepEqual(header({ type: 'broadcast', dst: '10.1.0.255', dev: 'v0' }), [255, 253, 3]);
    assert.deepEqual(header({ type: 'blackhole', dst: '10.2.0.0/16' }), [254, 0, 6]);
    assert.deepEqual(header({ type: 'unreachable', dst: '10.2.0.0/16', table: 7 }), [7, 0, 7]);
  });

  it('IPv4 route via an IPv6 gateway goes in RTA_VIA', () => {
    const bytes = encode('add', ADD, { dst: '10.7.0.0/16', via: '2001:db8:1::2', dev: 'v0' });
    // RTA_VIA (0x12): u16 family 10, then 16 address bytes
    assert.ok(bytes.includes(hex('1600 1200 0a00 20010db8000100000000000000000002')));
  });

  it('decodes and unpacks what it encodes, every attribute', () => {
    const spec: RouteSpec = {
      dst: '2001:db8:70::/48',
      from: '2001:db8:5::/64',
      src: '2001:db8:1::1',
      metric: 7,
      table: 70000,
      proto: 'static',
      nexthops: [
        { via: '2001:db8:1::2', dev: 'v0' },
        { via: 'fe80::1', dev: 'v2', weight: 5, onlink: true, realms: 9 },
      ],
      metrics: {
        mtu: 1300,
        advmss: 1200,
        window: 3,
        rtt: 80,
        rttvar: 40,
        ssthresh: 9,
        cwnd: 10,
        initcwnd: 11,
        initrwnd: 12,
        reordering: 4,
        hoplimit: 33,
        features: 'ecn',
        quickack: true,
        congctl: 'cubic',
        rtoMin: 50,
        fastopenNoCookie: true,
        lock: ['mtu', 'congctl'],
      },
      pref: 'high',
      expires: 0,
      realms: '3/4',
    };
    const record = routeToRecord(spec, 'add', context);
    const pack = codec.decodeRoutes(codec.encodeRoute('add', 0, 1, record));
    // decodeRoutes only reads RTM_NEWROUTE, and a NEWROUTE request is one
    const [route] = unpackRoutes(pack, (i) => ({ 3: 'v0', 7: 'v2' })[i] ?? i);
    assert.deepEqual(route, {
      family: 6,
      type: 'unicast',
      table: 70000,
      dst: '2001:db8:70::/48',
      protocol: 4,
      scope: 0,
      from: '2001:db8:5::/64',
      src: '2001:db8:1::1',
      metric: 7,
      pref: 'high',
      realms: 0x30004,
      // RTA_EXPIRES as the request carried it (the kernel's answers carry RTA_CACHEINFO instead)
      expires: 0,
      nexthops: [
        { weight: 1, via: '2001:db8:1::2', dev: 'v0' },
        { weight: 5, via: 'fe80::1', dev: 'v2', onlink: true, realms: 9 },
      ],
      metrics: {
        mtu: 1300,
        window: 3,
        rtt: 80,
        rttvar: 40,
        ssthresh: 9,
        cwnd: 10,
        advmss: 1200,
        reordering: 4,
        hoplimit: 33,
        initcwnd: 11,
        features: 'ecn',
        rtoMin: 50,
        initrwnd: 12,
        quickack: true,
        fastopenNoCookie: true,
        congctl: 'cubic',
        lock: ['mtu', 'rtoMin', 'congctl'],
      },
    });
  });

  it('does not decode a route carrying both RTA_GATEWAY and RTA_VIA (a record holds one gateway)', () => {
    const plain = codec.encodeRoute('add', 0, 1, routeToRecord({ dst: '10.3.0.0/16', via: '10.9.0.1', dev: 'v0' }, 'add', context));
    assert.equal(codec.decodeRoutes(plain).count, 1);
    // RTA_VIA (type 18): family AF_INET6 (10) and ::1, appended to the same message
    const via = Buffer.concat([hex('1600 1200 0a00'), Buffer.alloc(15), hex('01'), Buffer.alloc(2)]);
    const both = Buffer.concat([plain, via]);
    both.writeUInt32LE(both.length, 0);
    assert.equal(codec.decodeRoutes(both).count, 0);
    // and what does decode encodes back to itself
    const again = unpackRoutes(codec.decodeRoutes(plain), (i) => ({ 3: 'v0' })[i] ?? i)[0];
    const reencoded = codec.encodeRoute('add', 0, 1, routeToRecord({ ...again, dev: 'v0' }, 'add', context));
    assert.deepEqual(
      unpackRoutes(codec.decodeRoutes(reencoded), (i) => i),
      unpackRoutes(codec.decodeRoutes(plain), (i) => i),
    );
  });

  it("keeps a request's RTA_EXPIRES and drops RTAX_UNSPEC in metrics when decoding (found by fuzzing)", () => {
    const record = routeToRecord({ dst: '2001:db8:72::/48', via: '2001:db8::2', dev: 'v0', expires: 300 }, 'add', context);
    const [decoded] = unpackRoutes(codec.decodeRoutes(codec.encodeRoute('add', 0, 1, record)), (i) => i);
    assert.equal(decoded.expires, 300);
    // RTA_METRICS (8) holding only an RTAX_UNSPEC (0) value: no metric at all
    const plain = codec.encodeRoute('add', 0, 1, routeToRecord({ dst: '10.4.0.0/16', via: '10.9.0.1', dev: 'v0' }, 'add', context));
    const withUnspec = Buffer.concat([plain, hex('0c00 0800 0800 0000 05000000')]);
    withUnspec.writeUInt32LE(withUnspec.length, 0);
    const [route] = unpackRoutes(codec.decodeRoutes(withUnspec), (i) => i);
    assert.equal(route.metrics, undefined);
  });

  it('filters natively: exact, root and match prefixes, gateways of any nexthop', () => {
    const routes = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16'].map((dst) =>
      routeToRecord(
        {
          dst,
          nexthops: [
            { via: '10.9.0.1', dev: 'v0' },
            { via: `10.9.0.${dst.length}`, dev: 'v0' },
          ],
        },
        'add',
        context,
      ),
    );
    const datagram = Buffer.concat(routes.map((r) => codec.encodeRoute('add', 0, 1, r)));
    const dsts = (filter: object) => unpackRoutes(codec.decodeRoutes(datagram, filter), (i) => i).map((r) => r.dst);
    assert.deepEqual(dsts({ dst: '10.1.0.0', dstLen: 16, dstMatch: 'exact' }), ['10.1.0.0/16']);
    assert.deepEqual(dsts({ dst: '10.1.0.0', dstLen: 16, dstMatch: 'root' }), ['10.1.0.0/16', '10.1.2.0/24']);
    assert.deepEqual(dsts({ dst: '10.1.2.3', dstLen: 32, dstMatch: 'match' }), ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24']);
    assert.deepEqual(dsts({ gateway: '10.9.0.10' }), ['10.0.0.0/8']);
    assert.deepEqual(dsts({ gateway: '10.9.0.1' }).length, 4);
  });

  it('applies table, protocol, type and device itself when the kernel did not filter', () => {
    const specs: RouteSpec[] = [
      { dst: '10.1.0.0/16', via: '10.9.0.1', table: 100 },
      { dst: '10.2.0.0/16', via: '10.9.0.1', protocol: 'static' },
      { dst: '10.3.0.0/16', type: 'blackhole' },
      { dst: '10.4.0.0/16', dev: 'v2' },
    ];
    const records = specs.map((spec) => routeToRecord(spec, 'add', context));
    const datagram = Buffer.concat(records.map((r) => codec.encodeRoute('add', 0, 1, r)));
    const dsts = (filter: object) => unpackRoutes(codec.decodeRoutes(datagram, filter), (i) => i).map((r) => r.dst);
    assert.deepEqual(dsts({ table: 100 }), ['10.1.0.0/16']);
    assert.deepEqual(dsts({ table: 254, protocol: 4 }), ['10.2.0.0/16']);
    assert.deepEqual(dsts({ type: 6 }), ['10.3.0.0/16']);
    assert.deepEqual(dsts({ oif: 7 }), ['10.4.0.0/16']);
    assert.deepEqual(dsts({ family: 10 }), []);
  });
});

describe('route input validation (before anything is sent)', () => {
  const rejects = (spec: unknown, field: string, purpose: RoutePurpose = 'add') => {
    assert.throws(
      () => routeToRecord(spec as RouteSpec, purpose, context),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError, String(e));
        assert.equal(e.field, field);
        return true;
      },
    );
  };
  it('names the field and the value', () => {
    rejects({ dst: '10.1.0.0/8' }, 'dst'); // host bits: the IPv4 FIB refuses them
    rejects({ dst: '10.0.0.0/33' }, 'dst');
    rejects({ dst: '2001:db8::/48', via: '10.0.0.1' }, 'via');
    rejects({ dst: '10.0.0.0/8', src: '2001:db8::1' }, 'src');
    rejects({ dst: '10.0.0.0/8', metric: -1 }, 'metric');
    rejects({ dst: '10.0.0.0/8', metric: 2 ** 32 }, 'metric');
    rejects({ dst: '10.0.0.0/8', dev: 'nosuchdev' }, 'dev');
    rejects({ dst: '10.0.0.0/8', table: 'nosuchtable' }, 'table');
    rejects({ dst: '10.0.0.0/8', protocol: 'nosuchproto' }, 'protocol');
    rejects({ dst: '10.0.0.0/8', scope: 'galaxy' }, 'scope');
    rejects({ dst: '10.0.0.0/8', type: 'wormhole' }, 'type');
    rejects({ dst: '10.0.0.0/8', gateway: '10.0.0.1' }, 'gateway');
    rejects({ dst: '10.0.0.0/8', nexthops: [{ via: '10.0.0.1' }, { via: '10.0.0.1' }] }, 'nexthops[1]');
    rejects({ dst: '10.0.0.0/8', nexthops: [{ weight: 2 }] }, 'nexthops[0]');
    rejects({ dst: '10.0.0.0/8', nexthops: [{ via: '10.0.0.1', weight: 257 }] }, 'nexthops[0].weight');
    rejects({ dst: '2001:db8::/32', nexthops: [{ dev: 'v0' }] }, 'nexthops[0]');
    rejects({ dst: '10.0.0.0/8', via: '10.0.0.1', nexthops: [{ via: '10.0.0.2' }] }, 'via');
    rejects({ dst: '10.0.0.0/8', nhid: 5, dev: 'v0' }, 'dev');
    rejects({ dst: '2001:db8::/32', tos: 0x10 }, 'tos');
    rejects({ dst: '10.0.0.0/8', tos: 0x11 }, 'tos');
    rejects({ dst: '10.0.0.0/8', pref: 'high' }, 'pref');
    rejects({ dst: '10.0.0.0/8', from: '10.1.0.0/16' }, 'from');
    rejects({ dst: '10.0.0.0/8', metrics: { mtu: 'big' } }, 'metrics.mtu');
    rejects({ dst: '10.0.0.0/8', metrics: { hoplimit: 256 } }, 'metrics.hoplimit');
    rejects({ dst: '10.0.0.0/8', metrics: { lock: ['mtu'] } }, 'metrics.lock');
    rejects({ dst: '10.0.0.0/8', metric: 1, priority: 2 }, 'priority');
    rejects({ dst: '10.0.0.0/8', nexthops: 'via 10.0.0.1' }, 'nexthops');
  });
});

describe('address text in listings', () => {
  it('is what inet_ntop writes (IPv4 is formatted by hand)', () => {
    const v4 = ['0.0.0.0', '1.2.3.4', '10.20.100.255', '255.255.255.255', '100.0.9.99'];
    const v6 = ['::', '::1', '2001:db8::1', '2001:db8:0:1:1:1:1:1', 'fe80::1:0:0:1', '1::', '::ffff:10.1.2.3', '2001:0:0:1::1'];
    const records = [
      ...v4.map((via, i) => ({ family: 2, dst: `10.${i}.0.0`, dstLen: 16, gateway: via })),
      ...v6.map((via, i) => ({ family: 10, dst: `2001:db8:${i + 1}::`, dstLen: 48, gateway: via })),
    ];
    const datagram = Buffer.concat(records.map((r) => codec.encodeRoute('add', 0, 1, r)));
    const routes = unpackRoutes(codec.decodeRoutes(datagram), (i) => i);
    assert.deepEqual(
      routes.map((r) => r.via),
      [...v4, ...v6],
    );
    assert.deepEqual(
      routes.map((r) => r.dst),
      records.map((r) => `${r.dst}/${r.dstLen}`),
    );
  });
});

// Malformed input through every public entry point: each case must be refused with a
// ValidationError that names the field, before anything reaches the kernel, so the
// namespace's rules and routes (both families, every table, as `ip -j -d` prints
// them) are exactly what they were.
import assert from 'node:assert/strict';

import { open, ValidationError, type Handle, type RuleSpec } from '../../lib';
import { DvrNode } from '../../lib/dvr';
import { kernelState, nlroute, withoutLinkLocal } from '../helpers/cli';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';

type Case = { title: string; field: string | RegExp; run: (h: Handle, ns: ScratchNamespace) => Promise<unknown> };

const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const BAD_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, -1, 2 ** 32, 2 ** 53, 1.5, 10n, Symbol('n'), '12abc', {}, [], true, null];
const BAD_DEVICES: unknown[] = ['v0\0x', 'a'.repeat(16), 'é'.repeat(8), '\uD800ab', 'a/b', 'a b', 'a:b', '', '.', '..'];

function throwingGetter(field: string, base: Record<string, unknown>): Record<string, unknown> {
  const o = { ...base };
  Object.defineProperty(o, field, {
    enumerable: true,
    get: () => {
      throw new Error('getter exploded');
    },
  });
  return o;
}
const hostileProxy = new Proxy(
  {},
  {
    ownKeys: () => {
      throw new Error('trap exploded');
    },
  },
);

/** A revoked Proxy: even Array.isArray throws on it. */
const revokedProxy = (() => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
})();

/** A two-element array whose first element is a hole (`[, x]`): a sparse list. */
function withHole(second: unknown): unknown[] {
  const list: unknown[] = [];
  list[1] = second;
  return list;
}

const cases: Case[] = [];
const add = (title: string, field: string | RegExp, run: Case['run']) => cases.push({ title, field, run });

for (const name of PROTOTYPE_NAMES) {
  add(`rule action ${name}`, 'action', (h) => h.rules.add({ priority: 100, from: '10.9.0.1', action: name as never }));
  add(`route type ${name}`, 'type', (h) => h.routes.add({ dst: '10.50.0.0/16', type: name as never }));
  add(`IPv6 route pref ${name}`, 'pref', (h) => h.routes.add({ dst: '2001:db8:5::/48', dev: 'v0', pref: name as never }));
  add(`route metrics.lock [${name}]`, 'metrics.lock', (h) =>
    h.routes.add({ dst: '10.51.0.0/16', dev: 'v0', metrics: { mtu: 1400, lock: [name as never] } }),
  );
  add(`rule table name ${name}`, 'table', (h) => h.rules.add({ priority: 101, from: '10.9.0.2', table: name }));
  add(`rule field named ${name}`, name, (h) => h.rules.add(JSON.parse(`{"priority": 102, "${name}": 1}`) as RuleSpec));
}
for (const value of BAD_NUMBERS) {
  const text = typeof value === 'symbol' ? 'Symbol' : typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  add(`rule priority ${text}`, 'priority', (h) => h.rules.add({ priority: value as never, from: '10.9.0.3' }));
  add(`route table ${text}`, 'table', (h) => h.routes.add({ dst: '10.52.0.0/16', dev: 'v0', table: value as never }));
  add(`route metric ${text}`, 'metric', (h) => h.routes.add({ dst: '10.53.0.0/16', dev: 'v0', metric: value as never }));
}
for (const name of BAD_DEVICES) {
  add(`rule iif ${JSON.stringify(name)}`, 'iif', (h) => h.rules.add({ priority: 103, iif: name as string }));
  add(`rule oif ${JSON.stringify(name)}`, 'oif', (h) => h.rules.add({ priority: 104, oif: name as string }));
  add(`route dev ${JSON.stringify(name)}`, 'dev', (h) => h.routes.add({ dst: '10.54.0.0/16', dev: name as string }));
  add(`handle.link(${JSON.stringify(name)})`, 'name', (h) => h.link(name as string));
}
for (const dst of ['10.0.0.0/33', 'abc', '10.0.0.1\0', '', '1.2.3.4.5/8', '::1/129']) {
  add(`route dst ${JSON.stringify(dst)}`, 'dst', (h) => h.routes.add({ dst, dev: 'v0' }));
  add(`rule from ${JSON.stringify(dst)}`, 'from', (h) => h.rules.add({ priority: 105, from: dst }));
}
// Forms `ip` reads as octal or hex (010.1/16 is 8.1.0.0/16 there): refused, never guessed.
for (const dst of ['010.1/16', '10.0.0.010', '10.00.0.0/16', '0x0a.1/16', '0x0a000001']) {
  add(`route dst ${dst} (ambiguous IPv4)`, 'dst', (h) => h.routes.add({ dst, dev: 'v0' }));
  add(`rule from ${dst} (ambiguous IPv4)`, 'from', (h) => h.rules.add({ priority: 106, from: dst }));
}
add('route via 10.1.0.010 (ambiguous IPv4)', 'via', (h) => h.routes.add({ dst: '10.57.0.0/16', via: '10.1.0.010', dev: 'v0' }));

const HUGE = 'x'.repeat(1 << 20);
add('route dst of 1 MiB', 'dst', (h) => h.routes.add({ dst: HUGE, dev: 'v0' }));
add('rule iif of 1 MiB', 'iif', (h) => h.rules.add({ priority: 110, iif: HUGE }));
add('route metrics.congctl of 1 MiB', 'metrics.congctl', (h) =>
  h.routes.add({ dst: '10.58.0.0/16', dev: 'v0', metrics: { congctl: HUGE } }),
);
add('open({ netns }) of 1 MiB', 'netns', () => open({ netns: HUGE }));
add('route with 5000 IPv4 nexthops (RTA_MULTIPATH over 65535 bytes)', 'nexthops', (h) =>
  h.routes.add({
    dst: '10.55.0.0/16',
    nexthops: Array.from({ length: 5000 }, (_, i) => ({ via: `10.1.${i >> 8}.${i & 255}`, dev: 'v0' })),
  }),
);
add('route with 100000 nexthops', 'nexthops', (h) =>
  h.routes.add({
    dst: '10.56.0.0/16',
    nexthops: Array.from({ length: 100000 }, (_, i) => ({ via: `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, dev: 'v0' })),
  }),
);
add('route with a sparse nexthops list', /nexthops\[0\]/, (h) =>
  h.routes.add({ dst: '10.57.0.0/16', nexthops: withHole({ via: '10.1.0.2' }) as never }),
);
for (const spec of [null, 42, 'rule', [], hostileProxy, revokedProxy, throwingGetter('priority', { from: '10.9.0.4' })]) {
  const title =
    spec === hostileProxy
      ? 'a Proxy whose ownKeys throws'
      : spec === revokedProxy
        ? 'a revoked Proxy'
        : typeof spec === 'object' && spec && !Array.isArray(spec)
          ? 'a throwing getter'
          : JSON.stringify(spec);
  add(`rules.add(${title})`, /rule|priority|spec/, (h) => h.rules.add(spec as never));
  add(`routes.add(${title})`, /route|priority|spec/, (h) => h.routes.add(spec as never));
}
// open()
const openCases: Array<[string, unknown, string | RegExp]> = [
  ['a bare string', 'qrouter-1', 'open options'],
  ['null', null, 'open options'],
  ['an array', [], 'open options'],
  ['netNs (a typo)', { netNs: 'x' }, 'netNs'],
  ['an unknown key beside netns', { netns: 'x', bogus: 1 }, 'bogus'],
  ['netnsFd -1', { netnsFd: -1 }, 'netnsFd'],
  ['netnsFd NaN', { netnsFd: NaN }, 'netnsFd'],
  ['netnsFd of a regular file', 'REGULAR_FD', 'netnsFd'],
  ['netnsFd of a mount namespace', 'MNT_FD', 'netnsFd'],
  ['netnsFd closed', 'CLOSED_FD', 'netnsFd'],
  ['pid 0', { pid: 0 }, 'pid'],
  ['netns ../x', { netns: '../x' }, 'netns'],
  ['netns with NUL', { netns: 'a\0b' }, 'netns'],
  ['two namespaces', { netns: 'a', pid: 1 }, 'pid'],
  ['receiveBufferBytes NaN', { receiveBufferBytes: NaN }, 'receiveBufferBytes'],
  ['receiveBufferBytes Symbol', { receiveBufferBytes: Symbol('x') }, 'receiveBufferBytes'],
];
for (const [title, options, field] of openCases) {
  add(`open(${title})`, field, async () => {
    const fs = await import('node:fs');
    let opts = options;
    let fd: number | undefined;
    if (options === 'REGULAR_FD') opts = { netnsFd: (fd = fs.openSync('/etc/hostname', 'r')) };
    if (options === 'MNT_FD') opts = { netnsFd: (fd = fs.openSync('/proc/self/ns/mnt', 'r')) };
    if (options === 'CLOSED_FD') {
      const closed = fs.openSync('/proc/self/ns/net', 'r');
      fs.closeSync(closed);
      opts = { netnsFd: closed };
    }
    try {
      const h = await open(opts as never);
      await h.close();
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  });
}
// batch and commit
const commitCases: Array<[string, unknown, string]> = [
  ["'rollback' (a string)", 'rollback', 'commit options'],
  ['onErorr (a typo)', { onErorr: 'stop' }, 'onErorr'],
  ['onError toString', { onError: 'toString' }, 'onError'],
  ['unacknowledgedLimit -1', { unacknowledgedLimit: -1 }, 'unacknowledgedLimit'],
  ['unacknowledgedLimit NaN', { unacknowledgedLimit: NaN }, 'unacknowledgedLimit'],
  ['null', null, 'commit options'],
];
for (const [title, options, field] of commitCases) {
  add(`commit(${title})`, field, (h) =>
    h
      .batch()
      .rules.add({ priority: 106, from: '10.9.0.5' })
      .commit(options as never),
  );
}
add('rollback batch with one malformed op sends nothing', 'action', async (h) => {
  const results = await h
    .batch()
    .rules.add({ priority: 107, from: '10.9.0.6' })
    .rules.add({ priority: 108, action: 'toString' as never })
    .commit({ onError: 'rollback' });
  const failed = results.find((r) => r.status === 'failed');
  throw failed && 'error' in failed ? failed.error : new Error(`unexpected results ${JSON.stringify(results)}`);
});
add('stop batch whose delete is null sends nothing', 'rule', async (h) => {
  const results = await h
    .batch()
    .rules.add({ priority: 109, from: '10.9.0.7' })
    .rules.delete(null as never)
    .commit({ onError: 'stop' });
  const failed = results.find((r) => r.status === 'failed');
  throw failed && 'error' in failed ? failed.error : new Error(`unexpected results ${JSON.stringify(results)}`);
});
add('stop batch with a revoked Proxy as a route sends nothing', 'route', async (h) => {
  const results = await h.batch().rules.add({ priority: 110, from: '10.9.0.9' }).routes.add(revokedProxy).commit({ onError: 'stop' });
  const failed = results.find((r) => r.status === 'failed');
  throw failed && 'error' in failed ? failed.error : new Error(`unexpected results ${JSON.stringify(results)}`);
});
// reconcile
for (const [title, scope] of [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'all'],
  ['an array', []],
] as const) {
  add(`rules.reconcile(${title}, [])`, 'scope', (h) => h.rules.reconcile(scope as never, []));
  add(`routes.reconcile(${title}, [])`, 'scope', (h) => h.routes.reconcile(scope as never, []));
}
add('rules.reconcile with a sparse desired list', 'desired[0]', (h) =>
  h.rules.reconcile({ priority: [200, 300] }, withHole({ priority: 200, from: '10.9.0.8' }) as never),
);
add('rules.reconcile with desired [null]', 'desired[0]', (h) => h.rules.reconcile({ priority: [200, 300] }, [null] as never));
add('routes.reconcile with a sparse desired list', 'desired[0]', (h) =>
  h.routes.reconcile({ table: 100 }, withHole({ dst: '10.60.0.0/16', type: 'blackhole', table: 100 }) as never),
);
add('routes.reconcile with desired not a list', 'desired', (h) => h.routes.reconcile({ table: 100 }, 'x' as never));
// route get
add('routes.get mark NaN', 'mark', (h) => h.routes.get('10.1.0.9', { mark: NaN }));
add('routes.get mark -1', 'mark', (h) => h.routes.get('10.1.0.9', { mark: -1 }));
add("routes.get fibmatch 'no'", 'fibmatch', (h) => h.routes.get('10.1.0.9', { fibmatch: 'no' as never }));
add('routes.get of a Symbol', 'address', (h) => h.routes.get(Symbol('a') as never));
add('routes.get with an unknown option', 'bogus', (h) => h.routes.get('10.1.0.9', { bogus: 1 } as never));
add('routes.get options null', 'route get options', (h) => h.routes.get('10.1.0.9', null as never));

describeInNamespace('bad input: refused with a ValidationError naming the field, nothing sent', (ns) => {
  it(`the table has at least 150 cases (${cases.length})`, function () {
    assert.ok(cases.length >= 150, String(cases.length));
  });
  for (const c of cases) {
    it(c.title, async function () {
      const scratch = withoutLinkLocal(ns().withTestAddresses());
      const h = await scratch.handle();
      const before = state(scratch);
      await assert.rejects(c.run(h, scratch), (e: unknown) => {
        assert.ok(
          e instanceof ValidationError,
          `expected a ValidationError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        );
        if (typeof c.field === 'string') assert.equal(e.field, c.field, e.message);
        else assert.match(e.field, c.field, e.message);
        return true;
      });
      assert.equal(state(scratch), before, 'the kernel state changed');
    });
  }
});

describeInNamespace('bad input to DvrNode: refused before anything is written', (ns) => {
  const router = (name: string) => ({ id: 'r1', namespace: name, linkLocalIndex: 0, subnets: [] });
  const external = (name: string) => ({ namespace: name, gatewayDevice: 'v0', gateway: '10.1.0.254' });

  for (const [title, options, field] of [
    ['null', null, 'DvrNode options'],
    ['undefined', undefined, 'DvrNode options'],
    ['without external', { routers: [] }, 'external'],
    ['routers not a list', 'EXT', 'routers'],
    ['an unknown option', 'UNKNOWN', 'bogus'],
  ] as const) {
    it(`DvrNode.open(${title})`, async function () {
      const scratch = ns();
      let opts: unknown = options;
      if (options === 'EXT') opts = { external: external(scratch.name), routers: 'x' };
      if (options === 'UNKNOWN') opts = { external: external(scratch.name), routers: [], bogus: 1 };
      await assert.rejects(DvrNode.open(opts as never), (e: unknown) => e instanceof ValidationError && e.field === field);
    });
  }

  it('associate: a malformed floating IP fails alone, an IPv6 fixed IP fails, the good one is written whole', async function () {
    const scratch = withoutLinkLocal(ns().withTestAddresses());
    const node = await DvrNode.open({ external: external(scratch.name), routers: [router(scratch.name)] });
    try {
      const before = state(scratch);
      const bad = await node.associate([
        { floatingIp: '203.0.113.300', fixedIp: '10.1.0.7', routerId: 'r1' },
        { floatingIp: '203.0.113.5', fixedIp: '2001:db8::7', routerId: 'r1' },
        { floatingIp: '203.0.113.6', fixedIp: '10.1.0.8', routerId: 'toString' },
        null as never,
      ]);
      assert.deepEqual(
        bad.map((r) => r.ok),
        [false, false, false, false],
      );
      assert.deepEqual(
        bad.map((r) => (r.ok ? '' : (r.error as ValidationError).field)),
        ['fips[0].floatingIp', 'fips[1].fixedIp', 'routerId', 'fips[3]'],
      );
      assert.equal(state(scratch), before, 'a refused floating IP wrote something');
      await assert.rejects(node.associate('x' as never), (e: unknown) => e instanceof ValidationError && e.field === 'fips');
      await assert.rejects(
        node.associate(withHole({ floatingIp: '203.0.113.7', fixedIp: '10.1.0.9', routerId: 'r1' }) as never),
        (e: unknown) => e instanceof ValidationError && e.field === 'fips[0]',
      );
      assert.equal(state(scratch), before);
    } finally {
      await node.close();
    }
  });

  it('move to a malformed fixed IP keeps the old rule', async function () {
    const scratch = withoutLinkLocal(ns().withTestAddresses());
    scratch.ip('link add fpr-r1 type veth peer name rfp-r1');
    scratch.ip('addr add 169.254.64.1/31 dev fpr-r1');
    scratch.ip('link set fpr-r1 up');
    scratch.ip('link set rfp-r1 up');
    const node = await DvrNode.open({ external: external(scratch.name), routers: [router(scratch.name)] });
    try {
      const fip = { floatingIp: '203.0.113.8', fixedIp: '10.1.0.10', routerId: 'r1' };
      const [ok] = await node.associate([fip]);
      assert.ok(ok.ok, JSON.stringify(ok));
      const before = state(scratch);
      const [moved] = await node.move([{ fip, fixedIp: '10.1.0.300' }]);
      assert.equal(moved.ok, false);
      assert.equal(moved.ok ? '' : (moved.error as ValidationError).field, 'moves[0].fixedIp');
      assert.equal(state(scratch), before, 'the refused move changed the kernel');
      assert.equal(node.priorityOf(fip), ok.ok ? ok.priority : -1, 'the old priority was kept');
    } finally {
      await node.close();
    }
  });
});

describeInNamespace('bad input to the nlroute command: usage error, nothing sent', (ns) => {
  for (const args of [
    ['rule', 'add', 'from', '10.9.0.9', 'table', 'toString'],
    ['rule', 'add', 'from', '10.9.0.9', 'protocol', 'constructor'],
    ['route', 'add', 'constructor', '10.61.0.0/16'],
    ['route', 'add', '10.62.0.0/16', 'dev', 'v0', 'scope', '__proto__'],
    ['route', 'add', '10.63.0.0/16', 'dev', 'v0', 'realms', 'hasOwnProperty'],
    ['rule', 'add', 'iif', 'a'.repeat(16)],
  ]) {
    it(args.join(' '), function () {
      const scratch = withoutLinkLocal(ns().withTestAddresses());
      const before = state(scratch);
      const r = nlroute(['-n', scratch.name, ...args]);
      assert.equal(r.status, 255, `exit ${r.status}: ${r.stderr}`);
      assert.equal(state(scratch), before);
    });
  }
});

function state(ns: ScratchNamespace): string {
  return `${kernelState(ns)}\n${ns.ip('-6 -j -d route show table all')}`;
}

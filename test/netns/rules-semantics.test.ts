// How rules behave, beyond the round trip: iproute2's defaults and the kernel's
// matching rules, the seed's and DVR's examples, and errors that leave state alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { NetlinkError, open, ValidationError, type Handle, type Rule } from '../../lib';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';
import { ipRules } from '../helpers/witness';

async function unchangedBy(ns: ScratchNamespace, action: () => Promise<unknown>): Promise<unknown> {
  const before = [ipRules(ns, 4), ipRules(ns, 6)];
  let error: unknown;
  try {
    await action();
  } catch (e) {
    error = e;
  }
  assert.deepEqual([ipRules(ns, 4), ipRules(ns, 6)], before, 'the kernel state did not change');
  return error;
}

function priorities(rules: Rule[]): number[] {
  return rules.map((r) => r.priority);
}

describeInNamespace('rule semantics', (ns) => {
  let h: Handle;
  beforeEach(async () => {
    h = await ns().handle();
  });

  it('the seed: from 192.203.80/24 table inr.ruhep prio 220 (a named table)', async function () {
    ns().writeIproute2File('rt_tables', '255 local\n254 main\n253 default\n0 unspec\n200 inr.ruhep\n');
    // The handle was opened before the file existed: names are read when first needed.
    const named = h;
    await named.rules.add({ from: '192.203.80/24', table: 'inr.ruhep', priority: 220 });
    const shown = ns().ipJson<Array<Record<string, unknown>>>('rule show pref 220');
    assert.deepEqual(
      shown.map((r) => [r.src, r.srclen, r.table]),
      [['192.203.80.0', 24, 'inr.ruhep']],
    );
    assert.deepEqual(await named.rules.list({ table: 'inr.ruhep' }), [
      { family: 4, priority: 220, from: '192.203.80.0/24', table: 200, action: 'lookup', protocol: 0 },
    ]);
  });

  it('the seed: from 193.233.7.83 nat 192.203.80.144 table 1 prio 320 (deprecated, with a warning)', async function () {
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.message);
    process.removeAllListeners('warning');
    process.on('warning', listener);
    try {
      await h.rules.add({ from: '193.233.7.83', nat: '192.203.80.144', table: 1, priority: 320 });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listener);
    }
    assert.deepEqual(warnings, ['route NAT is deprecated']);
    const [rule] = await h.rules.list({ priority: 320 });
    assert.equal(rule.action, 'nat');
    assert.equal(rule.table, 1);
    assert.match(ns().ip('rule show pref 320'), /from 193\.233\.7\.83 lookup 1/);
  });

  it('DVR: floating-IP rules from <fixed ip> lookup 16 pref 32768+n, listed by table', async function () {
    for (let i = 0; i < 20; i++) await h.rules.add({ from: `10.0.0.${10 + i}`, table: 16, priority: 32768 + i });
    const fips = await h.rules.list({ table: 16 });
    assert.deepEqual(
      priorities(fips),
      Array.from({ length: 20 }, (_, i) => 32768 + i),
    );
    assert.deepEqual(
      fips.map((r) => r.from),
      Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}/32`),
    );
    assert.equal(ns().ipJson<unknown[]>('rule show table 16').length, 20);
  });

  it('without a priority the kernel picks one below the second rule, so duplicates do not collide', async function () {
    await h.rules.add({ from: '10.5.0.0/16', table: 5 });
    await h.rules.add({ from: '10.5.0.0/16', table: 5 });
    assert.deepEqual(priorities(await h.rules.list({ table: 5 })), [32764, 32765]);
  });

  it('an identical rule at an explicit priority is EEXIST and changes nothing', async function () {
    await h.rules.add({ from: '10.0.0.5', table: 16, priority: 32768 });
    const error = await unchangedBy(ns(), () => h.rules.add({ from: '10.0.0.5', table: 16, priority: 32768 }));
    assert.ok(error instanceof NetlinkError);
    assert.equal(error.code, 'EEXIST');
    assert.equal(error.operation, 'rule add');
    assert.match(error.message, /pref 32768 from 10\.0\.0\.5 lookup 16/);
  });

  it('delete matches on the fields given: priority alone is enough', async function () {
    await h.rules.add({ from: '10.1.0.0/24', table: 100, priority: 400 });
    await h.rules.add({ from: '10.2.0.0/24', table: 100, priority: 401 });
    await h.rules.delete({ priority: 401 });
    assert.deepEqual(priorities(await h.rules.list({ table: 100 })), [400]);
    await h.rules.delete({ table: 100 }); // the lowest-priority rule with that table
    assert.deepEqual(await h.rules.list({ table: 100 }), []);
  });

  it('deleting what does not exist is ENOENT and changes nothing', async function () {
    await h.rules.add({ from: '10.1.0.0/24', table: 100, priority: 400 });
    const error = await unchangedBy(ns(), () => h.rules.delete({ from: '10.1.0.0/24', table: 101 }));
    assert.ok(error instanceof NetlinkError);
    assert.equal(error.code, 'ENOENT');
  });

  it('documents the kernel: `not` is ignored when deleting, fwmark without mask means mask 0xffffffff', async function () {
    await h.rules.add({ from: '10.7.0.0/16', table: 7, priority: 700 });
    await h.rules.delete({ not: true, from: '10.7.0.0/16', table: 7, priority: 700 });
    assert.deepEqual(await h.rules.list({ priority: 700 }), [], 'the non-inverted rule was deleted');

    await h.rules.add({ fwmark: 0x10, fwmask: 0xff, table: 7, priority: 701 });
    const error = await unchangedBy(ns(), () => h.rules.delete({ fwmark: 0x10, table: 7 }));
    assert.equal((error as NetlinkError).code, 'ENOENT');
    await h.rules.delete({ fwmark: 0x10, fwmask: 0xff, table: 7 });
    assert.deepEqual(await h.rules.list({ priority: 701 }), []);
  });

  it('flush deletes what matches and leaves priority 0 alone', async function () {
    await h.rules.add({ from: '10.1.0.0/24', table: 100, priority: 100 });
    await h.rules.add({ from: '10.2.0.0/24', table: 200, priority: 200 });
    await h.rules.add({ family: 6, from: '2001:db8::/32', table: 100, priority: 100 });
    assert.equal(await h.rules.flush({ table: 100 }), 2);
    assert.deepEqual(priorities(await h.rules.list({ family: 4 })), [0, 200, 32766, 32767]);
    assert.deepEqual(priorities(await h.rules.list({ family: 6 })), [0, 32766]);

    assert.equal(await h.rules.flush({ family: 4 }), 3, 'as in iproute2, main and default go too');
    assert.deepEqual(
      ipRules(ns(), 4).map((r) => r.priority),
      [0],
    );
    assert.equal(await h.rules.flush({ family: 4 }), 0);
  });

  it('lists with filters on family, priority, table and any selector', async function () {
    await h.rules.add({ from: '10.1.0.0/24', iif: 'v0', table: 100, priority: 100 });
    await h.rules.add({ from: '10.1.0.0/24', iif: 'v1', table: 100, priority: 101 });
    await h.rules.add({ to: '10.9.0.0/16', fwmark: 4, table: 200, priority: 102 });
    await h.rules.add({ family: 6, to: '2001:db8::/48', table: 100, priority: 103 });
    assert.deepEqual(priorities(await h.rules.list({ table: 100 })), [100, 101, 103]);
    assert.deepEqual(priorities(await h.rules.list({ table: 100, family: 4 })), [100, 101]);
    assert.deepEqual(priorities(await h.rules.list({ iif: 'v1' })), [101]);
    assert.deepEqual(priorities(await h.rules.list({ from: '10.1.0.0/24' })), [100, 101]);
    assert.deepEqual(priorities(await h.rules.list({ from: '10.1.0.0/25' })), []);
    assert.deepEqual(priorities(await h.rules.list({ fwmark: 4 })), [102]);
    assert.deepEqual(priorities(await h.rules.list({ to: '2001:db8::/48' })), [103]);
    assert.deepEqual(priorities(await h.rules.list({ action: 'lookup', table: 'main' })), [32766, 32766]);
  });

  it('state flags: a detached iif and an unresolved goto', async function () {
    await h.rules.add({ iif: 'notyet', table: 5, priority: 50 });
    await h.rules.add({ goto: 900, priority: 51 });
    const [detached] = await h.rules.list({ priority: 50 });
    const [unresolved] = await h.rules.list({ priority: 51 });
    assert.equal(detached.iifDetached, true);
    assert.equal(unresolved.unresolved, true);
    await h.rules.add({ table: 9, priority: 900 });
    const [resolved] = await h.rules.list({ priority: 51 });
    assert.equal(resolved.unresolved, undefined);
    assert.equal(resolved.goto, 900);
  });

  it('dscp and flowlabel reach the kernel and read back (iproute2 6.1 cannot show them)', async function () {
    await h.rules.add({ dscp: 46, table: 5, priority: 60 });
    await h.rules.add({ flowlabel: 0x12345, flowlabelMask: 0xfffff, table: 5, priority: 61 });
    const [dscp] = await h.rules.list({ priority: 60 });
    const [flow] = await h.rules.list({ priority: 61 });
    assert.equal(dscp.dscp, 46);
    assert.equal(flow.family, 6);
    assert.deepEqual([flow.flowlabel, flow.flowlabelMask], [0x12345, 0xfffff]);
    assert.equal(ns().ipJson<unknown[]>('-6 rule show pref 61').length, 1, 'ip sees the rule itself');
  });

  it('kernel errors carry errno name, extended-ACK text and the operation', async function () {
    const backward = await unchangedBy(ns(), () => h.rules.add({ goto: 50, priority: 100 }));
    assert.ok(backward instanceof NetlinkError);
    assert.deepEqual([backward.code, backward.extack, backward.operation], ['EINVAL', 'Backward goto not supported', 'rule add']);

    const ecn = await unchangedBy(ns(), () => h.rules.add({ tos: 0x03, table: 5, priority: 101 }));
    assert.equal((ecn as NetlinkError).code, 'EINVAL');
    assert.match((ecn as NetlinkError).extack ?? '', /ECN/);

    const v6table0 = await unchangedBy(ns(), () => h.rules.add({ family: 6, table: 0, priority: 102 }));
    assert.equal((v6table0 as NetlinkError).code, 'EINVAL');
    assert.match((v6table0 as NetlinkError).message, /rule add -6 pref 102 lookup 0: EINVAL/);
  });

  it('bad input is a ValidationError naming field and value, and nothing is sent', async function () {
    const cases: Array<[object, string]> = [
      [{ from: '10.0.0.0/33' }, 'from'],
      [{ from: '10.0.0.300' }, 'from'],
      [{ from: '10.0.0.0/8', to: '2001:db8::/32' }, 'to'],
      [{ family: 4, from: '2001:db8::/32' }, 'from'],
      [{ table: 'no-such-table' }, 'table'],
      [{ table: 2 ** 32 }, 'table'],
      [{ priority: -1 }, 'priority'],
      [{ fwmark: 2 ** 32 }, 'fwmark'],
      [{ sport: '2000-1000' }, 'sport'],
      [{ uidrange: [5, 3] }, 'uidrange'],
      [{ iif: 'a-name-longer-than-15' }, 'iif'],
      [{ l3mdev: true, table: 5 }, 'table'],
      [{ tos: 1, dscp: 1 }, 'dscp'],
      [{ action: 'jump' }, 'action'],
      [{ selector: 1 }, 'selector'],
      [{ pref: 5, priority: 6 }, 'priority'],
      [{ ipproto: 'no-such-proto' }, 'ipproto'],
    ];
    for (const [spec, field] of cases) {
      const error = await unchangedBy(ns(), () => h.rules.add(spec));
      assert.ok(error instanceof ValidationError, `${JSON.stringify(spec)} -> ${String(error)}`);
      assert.equal(error.field, field, JSON.stringify(spec));
      assert.ok(error.message.includes(field));
    }
  });

  it('without CAP_NET_ADMIN a change is EPERM, not a crash', function () {
    // A child process inside the scratch namespace drops every capability and tries.
    const script = `
      const nl = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib'))});
      nl.open().then((h) => h.rules.add({ priority: 5, table: 5 }))
        .then(() => console.log('added'), (e) => console.log(e.name, e.code));`;
    const r = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        ns().name,
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--inh-caps=-all',
        '--bounding-set=-all',
        process.execPath,
        '-e',
        script,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.stdout.trim(), 'NetlinkError EPERM', r.stderr);
    assert.deepEqual(
      ipRules(ns(), 4).map((x) => x.priority),
      [0, 32766, 32767],
    );
  });
});

describeInNamespace('rule flush with a tiny receive buffer', (ns) => {
  it('paces its pipelined deletes so that no acknowledgement is lost', async function () {
    const batch = Array.from({ length: 400 }, (_, i) => `rule add pref ${1000 + i} from 10.${i >> 8}.${i & 255}.0/24 table 40`);
    const file = `/tmp/${ns().name}.batch`;
    fs.writeFileSync(file, batch.join('\n') + '\n');
    try {
      ns().ip(`-batch ${file}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
    const tiny = await open({ netns: ns().name, receiveBufferBytes: 4096 });
    try {
      assert.ok(tiny.info.receiveBufferBytes <= 16384, `receive buffer ${tiny.info.receiveBufferBytes}`);
      assert.equal(await tiny.rules.flush({ table: 40 }), 400);
    } finally {
      await tiny.close();
    }
    assert.equal(ns().ipJson<unknown[]>('rule show table 40').length, 0);
  });
});

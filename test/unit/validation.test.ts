// What the TypeScript layer decides before anything is sent: field names, aliases,
// families, defaults, names from the iproute2 files. No root, no kernel.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parseAddress, parsePrefix } from '../../lib/address';
import { ValidationError } from '../../lib/errors';
import { validNamespaceName } from '../../lib/namespace-target';
import { parseIdNameText } from '../../lib/names/id-name-file';
import { NameRegistry } from '../../lib/names/registry';
import { describeRule } from '../../lib/rules/describe';
import { ruleToRecord } from '../../lib/rules/to-record';

const names = new NameRegistry();

describe('rule specs to records', () => {
  it('adds get iproute2 defaults: IPv4, action lookup, table main', () => {
    assert.deepEqual(ruleToRecord({ from: '10.0.0.5' }, 'add', names), {
      family: 2,
      src: '10.0.0.5',
      srcLen: 32,
      action: 1,
      table: 254,
    });
  });

  it('DVR: from <fixed ip> lookup 16 pref 32768', () => {
    assert.deepEqual(ruleToRecord({ from: '10.0.0.5', lookup: 16, pref: 32768 }, 'add', names), {
      family: 2,
      src: '10.0.0.5',
      srcLen: 32,
      priority: 32768,
      table: 16,
      action: 1,
    });
  });

  it('deletes and filters send only what was given', () => {
    assert.deepEqual(ruleToRecord({ priority: 5 }, 'delete', names), { family: 2, priority: 5 });
    assert.deepEqual(ruleToRecord({ table: 'main' }, 'filter', names), { table: 254 });
    assert.deepEqual(ruleToRecord({ from: 'all' }, 'filter', names), { srcLen: 0 });
  });

  it('infers IPv6 from an address and refuses a family mix', () => {
    assert.equal(ruleToRecord({ to: '2001:db8::/32' }, 'add', names).family, 10);
    assert.throws(() => ruleToRecord({ from: '10.0.0.0/8', to: '2001:db8::/32' }, 'add', names), ValidationError);
    assert.throws(() => ruleToRecord({ family: 6, from: '10.0.0.0/8' }, 'add', names), ValidationError);
  });

  it('maps actions, goto and l3mdev as iproute2 does', () => {
    assert.deepEqual(ruleToRecord({ action: 'blackhole', priority: 9 }, 'add', names), { family: 2, priority: 9, action: 6 });
    assert.deepEqual(ruleToRecord({ goto: 300, priority: 9 }, 'add', names), { family: 2, priority: 9, goto: 300, action: 2 });
    assert.deepEqual(ruleToRecord({ l3mdev: true }, 'add', names), { family: 2, l3mdev: 1, action: 1 });
  });

  it('accepts the ranges people write', () => {
    for (const sport of [80, [80, 80], '80-80', { start: 80, end: 80 }] as const) {
      assert.deepEqual(ruleToRecord({ sport: sport as never }, 'filter', names).sport, [80, 80]);
    }
    assert.deepEqual(ruleToRecord({ uidrange: '1000-2000' }, 'filter', names).uidRange, [1000, 2000]);
  });

  it('names the field and the value in every ValidationError', () => {
    try {
      ruleToRecord({ table: 'nope' }, 'add', names);
      assert.fail('expected a ValidationError');
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.field, 'table');
      assert.equal(e.value, 'nope');
      assert.equal(e.message, 'table: unknown table name (got "nope")');
    }
  });

  it('describes a rule in ip rule words for messages', () => {
    assert.equal(describeRule({ from: '10.0.0.5', lookup: 16, pref: 32768 }), 'pref 32768 from 10.0.0.5 lookup 16');
    assert.equal(describeRule({ family: 6, not: true, to: '2001:db8::/32', action: 'prohibit' }), '-6 not to 2001:db8::/32 prohibit');
  });
});

describe('prefixes and names', () => {
  it('parses prefixes, hosts and iproute2 short forms', () => {
    assert.deepEqual(parsePrefix('from', '192.203.80/24'), { family: 4, address: '192.203.80.0', length: 24 });
    assert.deepEqual(parsePrefix('from', '10.0.0.5'), { family: 4, address: '10.0.0.5', length: 32 });
    assert.deepEqual(parsePrefix('to', '2001:db8::/32'), { family: 6, address: '2001:db8::', length: 32 });
    for (const bad of ['10.0.0.0/33', '1.2.3.4.5', '10.0.0.256', 'fe80::1%eth0', '2001:db8::/129', '10.0.0.0/', '']) {
      assert.throws(() => parsePrefix('from', bad), ValidationError, bad);
    }
  });

  it('refuses IPv4 forms ip reads differently (leading zeros are octal there, hex parts), saying why', () => {
    // ip reads 010.1/16 as 8.1.0.0/16 and 10.0.0.010 as 10.0.0.8; the library never guesses.
    for (const ambiguous of ['010.1/16', '10.0.0.010', '10.00.0.0/16', '00.0.0.0/0']) {
      assert.throws(
        () => parsePrefix('dst', ambiguous),
        (e: unknown) => e instanceof ValidationError && e.field === 'dst' && /leading zero.*octal/.test(e.reason),
        ambiguous,
      );
    }
    for (const hex of ['0x0a.1/16', '0x0a000001', '10.0.0.0xa']) {
      assert.throws(
        () => parsePrefix('dst', hex),
        (e: unknown) => e instanceof ValidationError && /hex and octal parts are not taken/.test(e.reason),
        hex,
      );
    }
    assert.throws(
      () => parseAddress('via', '10.1.0.010'),
      (e: unknown) => e instanceof ValidationError && e.field === 'via',
    );
    // Zero itself, and the documented short forms of a prefix, are fine.
    assert.deepEqual(parsePrefix('dst', '0.0.0.0/0'), { family: 4, address: '0.0.0.0', length: 0 });
    assert.deepEqual(parsePrefix('dst', '10.1/16'), { family: 4, address: '10.1.0.0', length: 16 });
    assert.deepEqual(parsePrefix('dst', '10.0.0.100/32'), { family: 4, address: '10.0.0.100', length: 32 });
  });

  it('validates namespace names', () => {
    assert.equal(validNamespaceName('qrouter-1'), 'qrouter-1');
    for (const bad of ['', '/', 'a/b', '.', '..']) assert.throws(() => validNamespaceName(bad), ValidationError, bad);
  });

  it('reads id/name files like iproute2 (hex, comments, stop at a bad line)', () => {
    const text = '# comment\n255\tlocal\n0x10 sixteen # trailing\n\n  7 seven\nbroken line\n9 nine\n';
    assert.deepEqual(parseIdNameText(text, 0x7fffffff), [
      [255, 'local'],
      [16, 'sixteen'],
      [7, 'seven'],
    ]);
  });

  it('resolves table names from rt_tables and rt_tables.d, names before numbers', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-names-'));
    try {
      fs.writeFileSync(path.join(dir, 'rt_tables'), '200 inr.ruhep\n201 300\n');
      fs.mkdirSync(path.join(dir, 'rt_tables.d'));
      fs.writeFileSync(path.join(dir, 'rt_tables.d', 'neutron.conf'), '16 dvr\n');
      fs.writeFileSync(path.join(dir, 'rt_tables.d', 'ignored.txt'), '17 nope\n');
      const registry = new NameRegistry({ configDir: dir });
      const spec = (table: string) => ruleToRecord({ table }, 'filter', registry).table;
      assert.equal(spec('inr.ruhep'), 200);
      assert.equal(spec('dvr'), 16);
      assert.equal(spec('main'), 254);
      assert.equal(spec('300'), 201, 'a name that looks like a number wins, as in iproute2');
      assert.equal(spec('0x10'), 16);
      assert.throws(() => spec('nope'), ValidationError);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('IP protocols: every name resolves, the official one is printed (as getprotobynumber answers)', function () {
    if (!fs.existsSync('/etc/protocols')) this.skip(); // no netbase on this machine
    const protocols = new NameRegistry().ipProtocols;
    assert.equal(protocols.id('tcp'), 6);
    assert.equal(protocols.id('TCP'), 6);
    assert.equal(protocols.name(6), 'tcp');
  });
});

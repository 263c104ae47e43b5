// Every selector and action, both ways, with iproute2 as the witness:
//  1. added by nlroute, read by `ip -j rule show` and by rules.list(): the same rule;
//  2. the listed rule passed unchanged to delete() removes exactly it;
//  3. added by `ip rule add`, read by rules.list(): equal to what nlroute added.
import assert from 'node:assert/strict';

import type { Rule, RuleSpec } from '../../lib';
import { describeInNamespace } from '../helpers/netns';
import { ipRuleAt } from '../helpers/witness';

interface Case {
  ip: string;
  spec: RuleSpec;
  family?: 4 | 6;
}

const CASES: Case[] = [
  { ip: 'pref 100 from 10.1.0.0/24 table 100', spec: { priority: 100, from: '10.1.0.0/24', table: 100 } },
  { ip: 'pref 101 to 192.168.0.0/16 lookup main', spec: { pref: 101, to: '192.168.0.0/16', lookup: 'main' } },
  { ip: 'pref 102 not from 10.2.0.0/16 table 5', spec: { priority: 102, not: true, from: '10.2.0.0/16', table: 5 } },
  { ip: 'pref 103 tos 0x10 table 5', spec: { priority: 103, tos: 0x10, table: 5 } },
  { ip: 'pref 104 dsfield 0x08 table 5', spec: { priority: 104, dsfield: 8, table: 5 } },
  { ip: 'pref 105 fwmark 0x10 table 5', spec: { priority: 105, fwmark: 0x10, table: 5 } },
  { ip: 'pref 106 fwmark 0x10/0xff table 5', spec: { priority: 106, fwmark: 0x10, fwmask: 0xff, table: 5 } },
  { ip: 'pref 107 iif v0 table 5', spec: { priority: 107, iif: 'v0', table: 5 } },
  { ip: 'pref 108 oif v1 table 5', spec: { priority: 108, oif: 'v1', table: 5 } },
  { ip: 'pref 109 iif nosuchdev table 5', spec: { priority: 109, iif: 'nosuchdev', table: 5 } },
  { ip: 'pref 110 table 1000', spec: { priority: 110, table: 1000 } },
  { ip: 'pref 111 table 4294967295', spec: { priority: 111, table: 4294967295 } },
  { ip: 'pref 112 table local', spec: { priority: 112, table: 'local' } },
  { ip: 'pref 113 goto 200', spec: { priority: 113, goto: 200 } },
  { ip: 'pref 114 nop', spec: { priority: 114, action: 'nop' } },
  { ip: 'pref 115 blackhole', spec: { priority: 115, action: 'blackhole' } },
  { ip: 'pref 116 unreachable', spec: { priority: 116, action: 'unreachable' } },
  { ip: 'pref 117 prohibit', spec: { priority: 117, action: 'prohibit' } },
  { ip: 'pref 118 table main suppress_prefixlength 0', spec: { priority: 118, table: 'main', suppressPrefixlength: 0 } },
  { ip: 'pref 119 table main suppress_ifgroup 5', spec: { priority: 119, table: 'main', suppressIfgroup: 5 } },
  { ip: 'pref 120 uidrange 1000-2000 table 5', spec: { priority: 120, uidrange: '1000-2000', table: 5 } },
  { ip: 'pref 121 ipproto tcp table 5', spec: { priority: 121, ipproto: 'tcp', table: 5 } },
  {
    ip: 'pref 122 ipproto 17 sport 1000-2000 dport 53 table 5',
    spec: { priority: 122, ipproto: 17, sport: [1000, 2000], dport: 53, table: 5 },
  },
  { ip: 'pref 123 l3mdev', spec: { priority: 123, l3mdev: true } },
  { ip: 'pref 124 protocol static table 5', spec: { priority: 124, protocol: 'static', table: 5 } },
  { ip: 'pref 125 realms 3/4 table 5', spec: { priority: 125, realms: '3/4', table: 5 } },
  { ip: 'pref 126 tun_id 99 table 5', spec: { priority: 126, tunId: 99n, table: 5 } },
  { ip: 'pref 127 from 10.0.0.1/24 table 5', spec: { priority: 127, from: '10.0.0.1/24', table: 5 } },
  {
    ip: 'pref 128 from 10.3.0.0/16 to 10.4.0.0/16 fwmark 0x1/0x3 iif v0 oif v1 table 77',
    spec: { priority: 128, from: '10.3.0.0/16', to: '10.4.0.0/16', fwmark: 1, fwmask: 3, iif: 'v0', oif: 'v1', table: 77 },
  },
  {
    ip: 'pref 129 from 193.233.7.83 nat 192.203.80.144 table 1',
    spec: { priority: 129, from: '193.233.7.83', nat: '192.203.80.144', table: 1 },
  },
  { ip: 'pref 130 from 10.0.0.5 lookup 16', spec: { priority: 130, from: '10.0.0.5', table: 16 } },
  { ip: '-6 pref 200 from 2001:db8::/32 table 100', spec: { priority: 200, from: '2001:db8::/32', table: 100 }, family: 6 },
  {
    ip: '-6 pref 201 to 2001:db8:1::/48 fwmark 7 table 100',
    spec: { priority: 201, to: '2001:db8:1::/48', fwmark: 7, table: 100 },
    family: 6,
  },
  { ip: '-6 pref 202 iif v0 table main', spec: { family: 6, priority: 202, iif: 'v0', table: 'main' }, family: 6 },
  { ip: '-6 pref 203 blackhole', spec: { family: 6, priority: 203, action: 'blackhole' }, family: 6 },
];

describeInNamespace('rules round-trip with iproute2 as the witness', (ns) => {
  for (const c of CASES) {
    it(`ip rule add ${c.ip}`, async function () {
      const family = c.family ?? 4;
      const priority = Number(c.spec.priority ?? c.spec.pref);
      const h = await ns().handle();
      process.removeAllListeners('warning'); // `nat` warns; the warning is not under test here
      const atPriority = async () => await h.rules.list({ family, priority });

      await h.rules.add(c.spec);
      const listed = await atPriority();
      assert.equal(listed.length, 1, 'exactly one rule at that priority');
      assert.deepEqual(ipRuleAt(ns(), family, priority), listed, 'ip -j rule show sees what rules.list() sees');

      await h.rules.delete(listed[0]);
      assert.deepEqual(ipRuleAt(ns(), family, priority), [], 'the listed rule, passed to delete(), is gone');

      ns().ip(`rule add ${c.ip}`.replace('rule add -6', '-6 rule add'));
      const byIp: Rule[] = await atPriority();
      assert.deepEqual(byIp, listed, 'a rule added by ip lists exactly like the one nlroute added');
    });
  }
});

// Writes the fuzzers' seed corpora (native/fuzz/seeds/): real kernel dumps of a scratch
// namespace filled with every kind of rule and route the tests use, and packed requests
// written by the library's own PackWriter. Run as root: node dist/scripts/fuzz/make-seeds.js
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PackWriter, type RequestHead } from '../../lib/requests/pack-writer';
import { ruleToRecord } from '../../lib/rules/to-record';
import { NameRegistry } from '../../lib/names/registry';
import { ipBatch } from '../ip-commands';
import { withScratchNamespace } from '../scratch-namespace';
import type { RouteRecord, RuleRecord } from '../../lib/native';

const root = path.join(__dirname, '..', '..', '..');
const seeds = path.join(root, 'native', 'fuzz', 'seeds');

const STATE = `
link add v0 type veth peer name v1
link set v0 up
link set v1 up
addr add 10.1.0.1/24 dev v0
addr add 2001:db8::5/64 dev v0 nodad
rule add from 10.0.0.5 lookup 16 pref 32768
rule add not to 10.9.0.0/16 iif v0 fwmark 0x10/0xff lookup 100 pref 200
rule add ipproto tcp sport 1000-2000 dport 80 uidrange 100-200 prohibit pref 300
rule add from 10.2.0.0/16 goto 32766 pref 400
rule add tos 0x10 realms 1/2 suppress_prefixlength 8 lookup main pref 500
route add 10.20.0.0/16 via 10.1.0.2 dev v0 metric 7 proto static mtu lock 1300 advmss 1200 rtt 80ms
route add 10.21.0.0/16 nexthop via 10.1.0.2 dev v0 weight 2 nexthop via 10.1.0.3 dev v0 realms 9
route add blackhole 10.22.0.0/16 table 70000
route add unreachable 10.23.0.0/16 tos 0x10
route add 10.24.0.0/16 via inet6 fe80::1 dev v0
route add 2001:db8:70::/48 from 2001:db8:5::/64 via 2001:db8::2 dev v0 pref high expires 300
route add 2001:db8:71::/48 nexthop via 2001:db8::2 dev v0 nexthop via 2001:db8::3 dev v0
`;

function packed(entries: Array<{ head: RequestHead; record: RuleRecord | RouteRecord }>): Buffer {
  const writer = new PackWriter();
  for (const e of entries) writer.add(e.head, e.record);
  const { words, text } = writer.finish();
  const textBytes = Buffer.from(text, 'utf16le');
  const length = Buffer.alloc(2);
  length.writeUInt16LE(text.length);
  return Buffer.concat([length, textBytes, Buffer.from(words.buffer, words.byteOffset, words.byteLength)]);
}

async function main(): Promise<void> {
  const messages = path.join(seeds, 'fuzz_messages');
  fs.rmSync(messages, { recursive: true, force: true });
  await withScratchNamespace('seeds', (name) => {
    ipBatch(name, [STATE.trim()]);
    execFileSync('ip', ['-n', name, '-6', 'rule', 'add', 'from', '2001:db8::/32', 'lookup', '16', 'pref', '600']);
    execFileSync('ip', ['netns', 'exec', name, 'python3', path.join(root, 'scripts', 'fuzz', 'dump-datagrams.py'), messages]);
  });

  const requests = path.join(seeds, 'fuzz_packed_requests');
  fs.rmSync(requests, { recursive: true, force: true });
  fs.mkdirSync(requests, { recursive: true });
  const names = NameRegistry.forNamespace(undefined);
  const rule = (spec: object) => ruleToRecord(spec, 'add', names);
  const add: RequestHead = { object: 'rule', remove: false, flags: 0x600 };
  const route: RequestHead = { object: 'route', remove: false, flags: 0x600 };
  const cases: Record<string, Array<{ head: RequestHead; record: RuleRecord | RouteRecord }>> = {
    'rule-lookup': [{ head: add, record: rule({ from: '10.0.0.5', table: 16, priority: 32768 }) }],
    'rule-selectors': [
      {
        head: add,
        record: rule({
          not: true,
          to: '10.9.0.0/16',
          iif: 'v0',
          oif: 'v1',
          fwmark: 16,
          fwmask: 255,
          table: 100,
          priority: 200,
          sport: [1000, 2000],
          uidrange: [100, 200],
          tunId: 7n,
        }),
      },
    ],
    'rule-ipv6': [{ head: { ...add, remove: true }, record: rule({ from: '2001:db8::/32', table: 16, priority: 600 }) }],
    'route-v4': [
      {
        head: route,
        record: {
          family: 2,
          dst: '10.20.0.0',
          dstLen: 16,
          gateway: '10.1.0.2',
          oif: 3,
          priority: 7,
          table: 254,
          protocol: 4,
          type: 1,
        },
      },
    ],
    'route-v6-table': [
      {
        head: route,
        record: {
          family: 10,
          dst: '2001:db8:70::',
          dstLen: 48,
          gateway: '2001:db8::2',
          oif: 3,
          table: 70000,
          pref: 1,
          type: 1,
        },
      },
    ],
    mixed: [
      { head: add, record: rule({ from: '10.0.0.6', table: 16, priority: 32769 }) },
      { head: route, record: { family: 2, dst: '10.21.0.0', dstLen: 16, type: 6, table: 100 } },
    ],
  };
  for (const [name, entries] of Object.entries(cases)) fs.writeFileSync(path.join(requests, name), packed(entries));
  console.log(`seeds: ${fs.readdirSync(messages).length} kernel messages and datagrams, ${Object.keys(cases).length} packed requests`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

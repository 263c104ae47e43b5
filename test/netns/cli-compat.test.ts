// The nlroute CLI against iproute2: the same command lines given to `ip` in one
// throwaway namespace and to `nlroute` in another must leave the same kernel state
// (every rule and route of both families, as `ip -j -d` reads them) and succeed or
// fail alike, given one by one, as one -batch file, and as one -batch -force file.
// On the namespace nlroute changed, its `show` output must be iproute2's, byte for
// byte, as text and as -j / -j -p JSON, also with -d (details) and -N (numbers).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { kernelState, NLROUTE_BIN, nlroute, withoutLinkLocal } from '../helpers/cli';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';

interface CompatCase {
  title: string;
  /** Environment built with `ip` in both namespaces first (addresses, devices, name files); not compared. */
  setup?: string[];
  /** rt_tables for both namespaces' /etc/netns overlay. */
  tables?: string;
  /** Command lines after the global options. A leading -4/-6 is given to ip as an option. */
  lines: string[];
  /** A global -4/-6 for every run of the case, one by one and as a batch. */
  family?: 4 | 6;
  /**
   * Only one by one: some line's family is given by -6 alone, which an `ip -batch`
   * line cannot say (nlroute's batch lines can; see "per-line family" below).
   */
  singly?: boolean;
}

const SHOWS = ['rule show', '-6 rule show', 'route show', '-6 route show', 'route show table all'];

const CASES: CompatCase[] = [
  {
    title: "the seed article's examples, verbatim",
    tables: '255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n200\tinr.ruhep\n',
    setup: ['addr add 192.168.1.10/24 dev v1', 'addr add 10.45.22.12/24 dev v1'],
    lines: [
      'rule add from 192.203.80/24 table inr.ruhep prio 220',
      'rule add from 193.233.7.83 nat 192.203.80.144 table 1 prio 320',
      'route add default via 192.168.1.1 table 1',
      'route add 192.168.0.0/24 via 192.168.1.2 table 1',
      'route add 78.22.45.0/24 via 10.45.22.1 src 10.45.22.12',
      'route add 10.200.0.0/16 via 10.1.0.2 table inr.ruhep',
      'route list table 1',
      'route list table inr.ruhep',
      'rule list',
    ],
  },
  {
    title: 'rules: every selector and action, abbreviations, number forms, deletes',
    lines: [
      'rule add from 10.1.0.0/24 table 100',
      'rule add pref 200 not from 10.1.0.0/24 to 192.168.0.0/16 tos 0x10 fwmark 0x10/0xff iif v0 table 1000',
      'rule add prio 201 fwmark 7 oif v1 lookup main suppress_prefixlength 0',
      'rule add order 202 uidrange 100-200 ipproto tcp sport 80 dport 1000-2000 prohibit',
      'rule add pref 203 goto 300',
      'rule add pref 204 nop realms 1/2',
      'rule add pref 205 blackhole',
      'rule add pref 206 unreachable proto static',
      'rule add pref 207 iif nosuch table 5 suppress_ifgroup 3',
      'rule add pref 209 dsfield 08 lookup 7 realms 3',
      'rule add pref 210 type prohibit from 10.7.0.1',
      'rule add pref 211 from 192.203.80/24 lookup 0x10',
      'ru a pri 212 from all to 010.1 tab local',
      'rule add pref 0x100 from 10.0.0.0/8 lookup 010',
      'rule del pref 205',
      'rule del from 10.1.0.0/24 table 100',
      'rule delete prio 201 fwmark 7',
      'rule add pref 205 blackhole',
      'rule show table 1000',
      'rule show from 10.0.0.0/8',
      'rule list pref 211',
      'rule show fwmark 0x10/0xff',
      'rule show iif v0',
      'rule show dev nosuch',
      'rule show oif v1',
      'rule show not',
      'rule show uidrange 100-200',
      'rule show tos 0x10',
      'rule show to 192.168.0.0/16',
      'rule show lookup 7',
      'rule show sport 80',
      'rule show dport 1000-2000',
      'rule show ipproto tcp',
      'rule show 010.1',
    ],
  },
  {
    // iproute2 6.1 sends a rule as IPv4 unless -6 says otherwise, whatever its addresses.
    title: 'IPv6 rules',
    family: 6,
    lines: [
      'rule add from 2001:db8::/32 table 6',
      'rule add pref 101 to 2001:db8:1::/48 fwmark 0x5 iif v0 lookup 7 protocol 99',
      'rule add pref 102 from 2001:db8:2::1 l3mdev',
      'rule add pref 99 not to 2001:db8:3::/64 goto 102',
      'rule del pref 101',
      'rule show',
      'rule show l3mdev',
      'rule show not to 2001:db8::/16',
    ],
  },
  {
    title: 'routes: every type and attribute, both families',
    lines: [
      'route add 10.9.0.0/16 via 10.1.0.2',
      'route add 10.160.0.0/16 dev v0 metric 100 proto static table 1000 mtu lock 1400 advmss 1360',
      'route add 10.161.0.0/16 nexthop via 10.1.0.2 dev v0 weight 1 nexthop via 10.2.0.2 dev v1 weight 3',
      'route add unreachable 10.200.0.0/16',
      'route add blackhole 10.201.0.0/16 table 16',
      'route add prohibit 10.202.0.0/16 metric 5',
      'route add throw 10.203.0.0/16',
      'route add local 10.204.0.1 dev v0',
      'route add broadcast 10.204.0.255 dev v0',
      'route add 10.205.0.0/16 via 10.1.0.2 dev v0 src 10.1.0.1 tos 0x10 realms 1/2 onlink',
      'route add 10.206.0.0/16 via inet6 2001:db8::2 dev v0',
      'route add 10.207.0.0/16 dev v0 scope host rtt 100 rttvar 50 initcwnd 10 congctl cubic features ecn quickack 1 hoplimit 5 rto_min 20ms',
      'route add to 10.210.0.0/16 dev v1 metric 7 window 1000 cwnd 5 ssthresh 3 reordering 4 initrwnd 7 rtt 2s',
      'ro a 192.203.80/24 dev v0 tab 0x10 pro 99 metr 010',
      'route add default via 10.1.0.254 table 16',
      'route add 10.211.0.0/16 nexthop via 10.1.0.2 dev v0 onlink realms 3 nexthop dev v1',
      '-6 route add 2001:db8:70::/48 via 2001:db8::2 metric 512 pref high',
      '-6 route add 2001:db8:71::/48 from 2001:db8:5::/64 dev v0',
      '-6 route add 2001:db8:72::/48 nexthop via 2001:db8::2 dev v0 nexthop via 2001:db8::3 dev v0',
      '-6 route add unreachable 2001:db8:73::/48',
      '-6 route add 2001:db8:74::/48 dev v0 table 30 mtu 1400 hoplimit 9',
      'route show table 1000',
      'route show table 16',
      'route show root 10.160.0.0/12 table all',
      'route show match 10.205.1.1',
      'route show via 10.1.0.2',
      'route show dev v1',
      'route show type unreachable',
      'route show proto 99 table all',
      'route show realms 1/2',
      'route show realms 2',
      'route show via inet6 2001:db8::2',
      'route show src 10.1.0.1',
      'route show tos 0x10',
      'route show exact 10.205.0.0/16',
      'route show scope link',
      'route show table all type local',
      'route show table all dev lo',
      '-6 route show root 2001:db8::/32',
      '-6 route show match 2001:db8:70::1',
      '-6 route show from 2001:db8:5::/64',
      '-6 route show table 30',
      'route get 10.9.1.1',
      'route get 10.1.0.7 from 10.1.0.1',
      'route get 10.205.1.1 tos 0x10',
      'route get 10.1.0.1',
      'route get 10.9.1.1 fibmatch',
      'route get 10.1.0.7 mark 5 uid 7',
      'route get 10.161.0.9 oif v1',
      '-6 route get 2001:db8:70::1',
      '-6 route get 2001:db8:70::1 fibmatch',
    ],
  },
  {
    title: 'replace, change, append, prepend and delete semantics',
    lines: [
      'route add 10.220.0.0/16 dev v0',
      'route replace 10.220.0.0/16 via 10.1.0.3',
      'route change 10.220.0.0/16 via 10.1.0.4',
      'route append 10.221.0.0/16 via 10.1.0.2',
      'route append 10.221.0.0/16 via 10.1.0.3',
      'route prepend 10.221.0.0/16 via 10.1.0.4 tos 0x10',
      'route prepend 10.222.0.0/16 via 10.1.0.2',
      'route add 10.223.0.0/16 via 10.1.0.2 metric 5',
      'route add 10.223.0.0/16 via 10.1.0.3 metric 9',
      'route del 10.223.0.0/16',
      'route del 10.221.0.0/16 via 10.1.0.3',
      'route replace 10.224.0.0/16 dev v0',
      'route replace 10.224.0.0/16 dev v1 metric 3',
      'route chg 10.224.0.0/16 dev v0 metric 3 mtu 1300',
      '-6 route append 2001:db8:72::/48 via 2001:db8::2',
      '-6 route append 2001:db8:72::/48 via 2001:db8::3',
      '-6 route del 2001:db8:72::/48 via 2001:db8::3',
      '-6 route replace 2001:db8:75::/48 via 2001:db8::2',
      '-6 route replace 2001:db8:75::/48 via 2001:db8::4 metric 1024',
      'route test 10.225.0.0/16 dev v0',
      'route show',
    ],
  },
  {
    title: 'flush by table, protocol, prefix and gateway; rules by selector',
    lines: [
      'route add 10.30.0.0/16 dev v0 table 30',
      'route add 10.31.0.0/16 via 10.1.0.2 table 30 proto static',
      'route add 10.32.0.0/16 via 10.1.0.3',
      'route add 10.33.0.0/16 via 10.1.0.3 proto static',
      'route add 10.34.0.0/24 dev v0',
      'route add 10.34.1.0/24 dev v0',
      'route flush table 30 proto static',
      'route flush proto static',
      'route flush root 10.34.0.0/16',
      'route flush via 10.1.0.3',
      'rule add pref 40 from 10.40.0.0/16 table 40',
      'rule add pref 41 from 10.41.0.0/16 table 40',
      'rule add pref 42 from 10.41.0.0/16 table 42',
      'rule flush table 40',
      '-6 route add 2001:db8:80::/48 dev v0 table 80',
      '-6 route add 2001:db8:81::/48 dev v0 table 80',
      '-6 route flush table 80',
      '-6 rule add pref 50 table 80',
      '-6 rule flush pref 50',
    ],
    singly: true,
  },
  {
    title: 'errors: the kernel refuses (EEXIST, ESRCH, ENOENT, EINVAL), and bad syntax never reaches it',
    lines: [
      'route add 10.30.0.0/16 dev v0',
      'route add 10.30.0.0/16 dev v0',
      'route del 10.31.0.0/16',
      'route change 10.31.0.0/16 dev v0',
      'route test 10.30.0.0/16 dev v0',
      'route add 10.32.0.0/16 via 10.9.9.9',
      'route add 10.34.0.0/16 dev nosuchdev',
      'route show table 4242',
      'rule add pref 50 table 50',
      'rule add pref 50 table 50',
      'rule del pref 51',
      'route add 10.35.0.0/16 via 10.1.0.2',
      'route add 10.36.0.0/16 dev v0 table nosuchname',
      'route add 10.37.0.0/16 dev v0',
    ],
  },
  {
    // A lookup takes the packet's whole TOS byte, as ip does: a rule on tos 0x10 matches a
    // lookup with ECN bits set (0x13), and IPv6 lookups carry it as the traffic class.
    title: 'route get: any TOS byte, ECN bits and IPv6 traffic class included',
    lines: [
      'rule add pref 100 tos 0x10 table 50',
      'route add 10.50.0.0/16 dev v0 table 50',
      '-6 rule add pref 100 tos 0x10 table 60',
      '-6 route add 2001:db8:60::/48 dev v0 table 60',
      'route get 10.50.0.1 tos 0x13',
      'route get 10.50.0.1 tos 0x10 fibmatch',
      'route get 10.50.0.1 dsfield 0x12',
      '-6 route get 2001:db8:60::1 tos 0x10',
      '-6 route get 2001:db8:60::1 tos 0x11 fibmatch',
      '-6 route get 2001:db8:60::1',
    ],
    singly: true,
  },
];

describeInNamespace('cli: nlroute against ip, command for command', (_ns, another) => {
  const prepared = (c: CompatCase): ScratchNamespace => {
    const ns = withoutLinkLocal(another().withTestAddresses());
    if (c.tables !== undefined) ns.writeIproute2File('rt_tables', c.tables);
    for (const step of c.setup ?? []) ns.ip(step);
    return ns;
  };
  const words = (line: string) => line.split(/\s+/);

  for (const c of CASES) {
    it(`${c.title}: one by one`, () => {
      const [ipNs, nlNs] = [prepared(c), prepared(c)];
      const family = c.family ? [`-${c.family}`] : [];
      for (const line of c.lines) {
        const ip = ipNs.ipTry([...family, line].join(' '));
        const nl = nlroute(['-n', nlNs.name, ...family, ...words(line)]);
        const why = `"${line}": ip exit ${ip.status} ${ip.stderr.trim()} | nlroute exit ${nl.status} ${nl.stderr.trim()}`;
        assert.equal(nl.status === 0, ip.status === 0, why);
        if (ip.status === 0) assert.equal(nl.stdout, ip.stdout, why);
        else assert.match(nl.stderr, new RegExp(`^nlroute: ${escape(line.replace(/^-[46] /, ''))}: `), 'the message names the command');
      }
      assert.equal(kernelState(nlNs), kernelState(ipNs));
      for (const show of SHOWS) {
        for (const format of ['', '-j', '-j -p', '-d', '-d -j', '-N -d -j']) {
          const args = [...words(format), ...words(show)].filter(Boolean);
          const ip = nlNs.ipTry(args.join(' '));
          const nl = nlroute(['-n', nlNs.name, ...args]);
          assert.equal(nl.stdout, ip.stdout, `nlroute ${args.join(' ')} prints what ip does`);
        }
      }
    });

    if (c.singly) continue;
    for (const force of [false, true]) {
      it(`${c.title}: as one -batch${force ? ' -force' : ''} file`, () => {
        const [ipNs, nlNs] = [prepared(c), prepared(c)];
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-batch-'));
        try {
          // ip takes no options on a batch line: there, the family comes from the addresses
          // (and a show without -6 lists IPv4). nlroute reads the same lines, with a
          // comment and a blank line; its per-line -6 has a test of its own below.
          const lines = c.lines.map((l) => l.replace(/^-[46] /, ''));
          const ipFile = path.join(dir, 'ip.batch');
          fs.writeFileSync(ipFile, lines.join('\n') + '\n');
          const nlFile = path.join(dir, 'nlroute.batch');
          fs.writeFileSync(nlFile, ['# the same commands', '', ...lines].join('\n') + '\n');
          const forced = [...(c.family ? [`-${c.family}`] : []), ...(force ? ['-force'] : [])];
          const ip = ipNs.ipTry([...forced, '-batch', ipFile].join(' '));
          const nl = nlroute(['-n', nlNs.name, ...forced, '-batch', nlFile]);
          const why = `ip exit ${ip.status} ${ip.stderr.trim()} | nlroute exit ${nl.status} ${nl.stderr.trim()}`;
          assert.equal(nl.status === 0, ip.status === 0, why);
          assert.equal(nl.stdout, ip.stdout, why);
          assert.equal(kernelState(nlNs), kernelState(ipNs), why);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }

  it('a table never created: showing main lists nothing, as ip does; another table, and any flush, fail as in ip', () => {
    // lo down, no device: the kernel has made no table yet.
    const [ipNs, nlNs] = [another({ bare: true }), another({ bare: true })];
    assert.notEqual(ipNs.ipTry('route flush table main').status, 0, 'the main table should not exist yet');
    for (const line of [
      'route show',
      'route show table main',
      'route show table 254',
      'route list table 16',
      '-6 route show table 16',
      'route flush table main',
      'route flush table 16',
    ]) {
      const ip = ipNs.ipTry(line);
      const nl = nlroute(['-n', nlNs.name, ...words(line)]);
      const why = `"${line}": ip exit ${ip.status} ${ip.stderr.trim()} | nlroute exit ${nl.status} ${nl.stderr.trim()}`;
      assert.equal(nl.status, ip.status, why);
      assert.equal(nl.stdout, ip.stdout, why);
    }
  });

  it('a batch failure names the file and line, and reports every failure with -force', () => {
    const ns = prepared({ title: '', lines: [] });
    const lines = [
      'route add 10.30.0.0/16 dev v0',
      'route add 10.30.0.0/16 dev v0',
      'route del 10.31.0.0/16',
      'route add 10.32.0.0/16 dev v0',
    ];
    const stopped = nlroute(['-n', ns.name, '-batch', '-'], lines.join('\n'));
    assert.equal(stopped.status, 1);
    assert.match(stopped.stderr, /^nlroute: -:2: route add 10\.30\.0\.0\/16 dev v0: EEXIST: /m);
    assert.doesNotMatch(stopped.stderr, /:3:/);
    assert.equal(ns.ipJson<unknown[]>('route show 10.32.0.0/16').length, 0, 'nothing after the failure was sent');
    ns.ip('route del 10.30.0.0/16');
    const forced = nlroute(['-n', ns.name, '-force', '-batch', '-'], lines.join('\n'));
    assert.equal(forced.status, 1);
    assert.match(forced.stderr, /:2: .*EEXIST/);
    assert.match(forced.stderr, /:3: route del 10\.31\.0\.0\/16: ESRCH: /);
    assert.equal(ns.ipJson<unknown[]>('route show 10.32.0.0/16').length, 1, '-force went on');
  });

  it('a batch of several chunks stops exactly where ip -batch stops, and -force goes on as it does', () => {
    // 3000 adds (sent in chunks); line 1500 repeats line 10, line 2500 is bad syntax.
    const lines = Array.from({ length: 3000 }, (_, i) => `route add 10.${50 + (i >> 8)}.${i & 255}.0/24 dev v0 table 50`);
    lines[1499] = lines[9];
    lines[2499] = 'route add 10.99.0.0/16 dev v0 metric lots';
    for (const force of [[], ['-force']]) {
      const [ipNs, nlNs] = [prepared({ title: '', lines: [] }), prepared({ title: '', lines: [] })];
      const ip = ipNs.ipTry([...force, '-batch', '-'].join(' '), lines.join('\n'));
      const nl = nlroute(['-n', nlNs.name, ...force, '-batch', '-'], lines.join('\n'));
      assert.equal(nl.status === 0, ip.status === 0, `${force.join(' ')}: ip ${ip.status}, nlroute ${nl.status}`);
      assert.equal(kernelState(nlNs), kernelState(ipNs), force.join(' '));
      assert.match(nl.stderr, /^nlroute: -:1500: .*EEXIST/m);
      if (force.length) assert.match(nl.stderr, /^nlroute: -:2500: .*"lots"/m);
      else assert.doesNotMatch(nl.stderr, /:2500:/);
    }
  });

  it('per-line family: a batch line may begin with -4 or -6, which ip -batch cannot say', () => {
    const ns = prepared({ title: '', lines: [] });
    const r = nlroute(
      ['-n', ns.name, '-batch', '-'],
      [
        '-6 rule add pref 60 table 60',
        '-4 rule add pref 60 table 61',
        'rule add pref 61 table 62',
        '-6 route show table all type unreachable',
      ].join('\n'),
    );
    assert.equal(r.status, 0, r.stderr);
    const v6 = ns.ipJson<Array<{ priority: number; table: string }>>('-6 rule show pref 60');
    const v4 = ns.ipJson<Array<{ priority: number; table: string }>>('-4 rule show');
    assert.deepEqual(
      v6.map((x) => x.table),
      ['60'],
    );
    assert.deepEqual(
      v4.filter((x) => x.priority >= 60 && x.priority <= 61).map((x) => x.table),
      ['61', '62'],
    );
  });

  it('a reader that goes away (| head) ends it as SIGPIPE ends ip: status 141, no stack trace', async () => {
    const ns = prepared({ title: '', lines: [] });
    // ~600 kB of output: far more than a pipe holds once the reader has gone.
    const adds = Array.from({ length: 20000 }, (_, i) => `route add 10.${60 + (i >> 8)}.${i & 255}.0/24 dev v0 table 60`);
    assert.equal(nlroute(['-n', ns.name, '-batch', '-'], adds.join('\n')).status, 0);
    for (const command of [
      ['ip', '-n', ns.name],
      [process.execPath, NLROUTE_BIN, '-n', ns.name],
    ]) {
      const child = spawn(command[0], [...command.slice(1), 'route', 'show', 'table', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdout.once('data', () => child.stdout.destroy()); // like head after its first lines
      const [status, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
      assert.ok(status === 141 || signal === 'SIGPIPE', `${command[0]}: status ${status}, signal ${signal}`);
      assert.equal(stderr, '', command[0]);
    }
  });

  it('a non-blocking pipe with a slow reader gets every byte (ip, through stdio, loses some there)', () => {
    const ns = prepared({ title: '', lines: [] });
    // ~600 kB: the pipe (64 kB) fills many times, and each write meets EAGAIN.
    const adds = Array.from({ length: 20000 }, (_, i) => `route add 10.${60 + (i >> 8)}.${i & 255}.0/24 dev v0 table 60`);
    assert.equal(nlroute(['-n', ns.name, '-batch', '-'], adds.join('\n')).status, 0);
    // Node makes a child's pipes blocking; python hands over one left non-blocking,
    // as a parent with an event loop of its own may, and reads it late and slowly.
    const slowReader = [
      'import os, subprocess, sys, time',
      'r, w = os.pipe2(os.O_NONBLOCK)',
      'child = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'os.set_blocking(r, True)',
      'time.sleep(0.3)',
      'chunks = []',
      'while True:',
      '    chunk = os.read(r, 4096)',
      '    if not chunk: break',
      '    chunks.append(chunk)',
      '    time.sleep(0.0005)',
      'sys.stdout.buffer.write(b"".join(chunks))',
      'sys.exit(child.wait())',
    ].join('\n');
    const read = (command: string[]) =>
      spawnSync('python3', ['-c', slowReader, ...command, 'route', 'show', 'table', '60'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const ours = read([process.execPath, NLROUTE_BIN, '-n', ns.name]);
    assert.equal(ours.status, 0, ours.stderr);
    // The reference: ip's output through an ordinary (blocking) pipe.
    const ip = spawnSync('ip', ['-n', ns.name, 'route', 'show', 'table', '60'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(ours.stdout.split('\n').length, 20001);
    assert.equal(ours.stdout, ip.stdout);
  });

  it('kernel errors carry the extended ACK and exit 2; usage errors exit 255 and send nothing', () => {
    const ns = prepared({ title: '', lines: [] });
    const gateway = nlroute(['-n', ns.name, 'route', 'add', '10.32.0.0/16', 'via', '10.9.9.9']);
    assert.equal(gateway.status, 2);
    assert.match(gateway.stderr, /^nlroute: route add 10\.32\.0\.0\/16 via 10\.9\.9\.9: ENETUNREACH: Nexthop has invalid gateway/);
    const syntax = nlroute(['-n', ns.name, 'route', 'add', '10.33.0.0/16', 'dev', 'v0', 'mtu', 'lots']);
    assert.equal(syntax.status, 255);
    assert.match(syntax.stderr, /argument "lots" of "mtu" is wrong/);
    assert.equal(ns.ipJson<unknown[]>('route show 10.33.0.0/16').length, 0);
    const missing = nlroute(['-n', 'nlroute-no-such-namespace', 'rule', 'show']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /cannot open namespace "nlroute-no-such-namespace"/);
  });

  it('a value the kernel would refuse exits 2, as ip does when the kernel refuses it; nothing is sent', () => {
    const lines = [
      'route add 10.40.0.0/16 dev v0 dsfield 0x01',
      '-6 route add 2001:db8:40::/48 dev v0 dsfield 0x10',
      'route add 10.40.0.1/16 dev v0',
      '-6 route add 2001:db8:41::/48 nexthop dev v0 nexthop dev v1',
      'route get 8.8.8.8 iif v0',
    ];
    const [ipNs, nlNs] = [prepared({ title: '', lines: [] }), prepared({ title: '', lines: [] })];
    for (const line of lines) {
      const ip = ipNs.ipTry(line);
      const nl = nlroute(['-n', nlNs.name, ...words(line)]);
      assert.equal(ip.status, 2, `ip ${line}: ${ip.stderr}`);
      assert.equal(nl.status, ip.status, `nlroute ${line}: ${nl.stderr}`);
      assert.match(nl.stderr, new RegExp(`^nlroute: ${escape(line.replace(/^-[46] /, ''))}: `));
    }
    assert.equal(kernelState(nlNs), kernelState(ipNs));
  });

  it("route get prints the kernel's text and nlroute's hint (forwarding off on the input device)", () => {
    const ns = prepared({ title: '', lines: [] });
    ns.sysctl('net.ipv4.conf.all.forwarding', 0);
    const line = 'route get 10.2.0.9 from 10.1.0.5 iif v0';
    const ip = ns.ipTry(line);
    const nl = nlroute(['-n', ns.name, ...words(line)]);
    assert.equal(nl.status, ip.status, ip.stderr);
    assert.match(nl.stderr, /^nlroute: route get 10\.2\.0\.9 from 10\.1\.0\.5 iif v0: EHOSTUNREACH: .* - .*forwarding enabled on it/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

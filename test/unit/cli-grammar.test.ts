// The nlroute CLI without a kernel: iproute2's grammar to specs and filters, its
// option and batch-file syntax, and its output forms. The root-only compatibility
// suite (test/netns/cli-compat.test.ts) checks the same commands against `ip`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { readBatchLines } from '../../lib/cli/batch-lines';
import { parseCommand } from '../../lib/cli/command';
import type { RouteShowFilter } from '../../lib/cli/route-grammar';
import type { RuleShowFilter } from '../../lib/cli/rule-grammar';
import type { RouteSpec } from '../../lib';
import { JsonWriter } from '../../lib/cli/json-writer';
import { PrintStyle } from '../../lib/cli/print-style';
import { parseOptions } from '../../lib/cli/options';
import { Output } from '../../lib/cli/output';
import { printRoute } from '../../lib/cli/print-route';
import { printRule } from '../../lib/cli/print-rule';
import { UsageError } from '../../lib/cli/words';
import { NameRegistry } from '../../lib/names/registry';

// Name files as a namespace overlay would have them: the seed's table name, a realm.
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-cli-'));
fs.writeFileSync(path.join(configDir, 'rt_tables'), '255 local\n254 main\n253 default\n200 inr.ruhep\n');
fs.writeFileSync(path.join(configDir, 'rt_realms'), '5 cosmos\n');
after(() => fs.rmSync(configDir, { recursive: true }));
const names = new NameRegistry({ configDir });

const parse = (line: string, family?: 4 | 6) => parseCommand(line.split(' '), names, family);
// Typed views of one parsed command: a change's spec, a listing's filter.
// A change's spec, read as the route spec's fields (a rule spec's are compared whole).
const spec = (line: string, family?: 4 | 6): RouteSpec => {
  const command = parse(line, family);
  assert.ok('spec' in command, `${line} is a change`);
  return command.spec as RouteSpec;
};
const ruleFilterOf = (line: string, family?: 4 | 6): RuleShowFilter => {
  const command = parse(line, family);
  assert.ok(command.object === 'rule' && 'filter' in command, `${line} is a rule listing`);
  return command.filter;
};
const routeFilterOf = (line: string, family?: 4 | 6): RouteShowFilter => {
  const command = parse(line, family);
  assert.ok(command.object === 'route' && 'filter' in command, `${line} is a route listing`);
  return command.filter;
};
const usageError = (line: string, pattern: RegExp) =>
  assert.throws(
    () => parse(line),
    (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    line,
  );

describe('cli: rule grammar', () => {
  it('reads every selector and action into a rule spec', () => {
    assert.deepEqual(spec('rule add pref 200 not from 10.1.0.0/24 to 192.168.0.0/16 tos 0x10 fwmark 0x10/0xff iif v0 oif v1 table 1000'), {
      priority: 200,
      not: true,
      from: '10.1.0.0/24',
      to: '192.168.0.0/16',
      tos: 16,
      fwmark: 16,
      fwmask: 255,
      iif: 'v0',
      oif: 'v1',
      table: 1000,
      family: 4,
    });
    assert.deepEqual(
      spec(
        'rule add prio 5 uidrange 100-200 ipproto 6 sport 80 dport 1000-2000 l3mdev protocol static realms 1/cosmos suppress_prefixlength 0 suppress_ifgroup 3',
      ),
      {
        priority: 5,
        uidrange: [100, 200],
        ipproto: 6,
        sport: [80, 80],
        dport: [1000, 2000],
        l3mdev: true,
        protocol: 4,
        realms: 0x10005,
        suppressPrefixlength: 0,
        suppressIfgroup: 3,
      },
    );
    assert.deepEqual(spec('rule add goto 300'), { action: 'goto', goto: 300 });
    assert.deepEqual(spec('rule add type blackhole'), { action: 'blackhole' });
    assert.deepEqual(spec('rule add nop'), { action: 'nop' });
    assert.deepEqual(spec('rule add from 10.9.0.0/16 map-to 192.0.2.1'), { from: '10.9.0.0/16', nat: '192.0.2.1', family: 4 });
    assert.deepEqual(spec('rule del from 2001:db8::/32 lookup 6'), { from: '2001:db8::/32', table: 6, family: 6 });
  });

  it("takes iproute2's abbreviations and number forms", () => {
    assert.deepEqual(spec('ru a pri 0x10 order 7 lookup main dsf 08'), { priority: 7, table: 254, tos: 8 });
    assert.deepEqual(spec('rule add preference 010 tab 0x5'), { priority: 8, table: 5 });
    // the seed: short dotted forms, and a table by name
    assert.deepEqual(spec('rule add from 192.203.80/24 table inr.ruhep prio 220'), {
      from: '192.203.80.0/24',
      table: 200,
      priority: 220,
      family: 4,
    });
    assert.deepEqual(spec('rule add from 010.1 to 10.0x10.1/24'), { from: '8.1.0.0/32', to: '10.16.1.0/24', family: 4 });
  });

  it('reads show and flush selectors', () => {
    const line = 'rule show from 10.0.0.0/8 pref 7 table 16 not fwmark 5/0xff dev v0';
    assert.equal(parse(line).verb, 'list');
    const filter = ruleFilterOf(line, 4);
    assert.equal(filter.priority, 7);
    assert.equal(filter.from?.prefix, '10.0.0.0/8');
    assert.deepEqual([filter.fwmark, filter.fwmask, filter.iif, filter.table, filter.not], [5, 0xff, 'v0', 16, true]);
    assert.equal(parse('rule').verb, 'list');
    assert.equal(parse('rule flush table 16').verb, 'flush');
  });

  it('refuses bad syntax before anything is sent, naming the word', () => {
    usageError('rule add pref', /"pref" needs an argument/);
    usageError('rule add pref x', /"x".*"preference"/);
    usageError('rule add foo', /"foo"/);
    usageError('rule add from 10.1.0.0/33', /prefix is expected rather than "10.1.0.0\/33"/);
    usageError('rule add from 300.1.1.1', /"300.1.1.1"/);
    usageError('rule add from 10.0.0.0/8 to 2001:db8::/32', /inet prefix.*"2001:db8::\/32"/);
    usageError('rule add uidrange 5', /range/);
    usageError('rule add table nosuch', /"nosuch" of "table" is wrong: unknown table name/);
    usageError('rule add tos 0x100', /"0x100"/);
    usageError('rule del', /requires arguments/);
    usageError('rule bogus', /"bogus" is unknown/);
    usageError('link show', /object "link" is unknown/);
  });
});

describe('cli: route grammar', () => {
  it('reads every route attribute into a route spec', () => {
    assert.deepEqual(
      spec(
        'route add 10.160.0.0/16 dev v0 metric 100 proto static table 1000 mtu lock 1400 advmss 1360 scope link src 10.1.0.1 tos 10 realms 1/2 onlink',
      ),
      {
        dst: '10.160.0.0/16',
        dev: 'v0',
        metric: 100,
        protocol: 4,
        table: 1000,
        scope: 253,
        src: '10.1.0.1',
        tos: 16,
        realms: 0x10002,
        onlink: true,
        metrics: { mtu: 1400, advmss: 1360, lock: ['mtu'] },
        family: 4,
      },
    );
    assert.deepEqual(spec('route add unreachable 10.200.0.0/16').type, 'unreachable');
    assert.deepEqual(spec('route add to local 10.204.0.1 dev v0'), { type: 'local', dst: '10.204.0.1/32', dev: 'v0', family: 4 });
    assert.deepEqual(spec('route add default via 192.168.1.1 table 1'), { dst: 'default', via: '192.168.1.1', table: 1, family: 4 });
    assert.deepEqual(spec('route add 10.206.0.0/16 via inet6 2001:db8::2 dev v0'), {
      dst: '10.206.0.0/16',
      via: '2001:db8::2',
      dev: 'v0',
      family: 4,
    });
    assert.deepEqual(spec('-6 route add 2001:db8:70::/48 via 2001:db8::2 pref high expires 30'.split(' ').slice(1).join(' '), 6), {
      dst: '2001:db8:70::/48',
      via: '2001:db8::2',
      pref: 'high',
      expires: 30,
      family: 6,
    });
    assert.deepEqual(spec('route add 10.161.0.0/16 nexthop via 10.1.0.2 dev v0 weight 2 onlink nexthop dev v1 realms 3'), {
      dst: '10.161.0.0/16',
      family: 4,
      nexthops: [
        { via: '10.1.0.2', dev: 'v0', weight: 2, onlink: true },
        { dev: 'v1', realms: 3 },
      ],
    });
  });

  it('converts metric times as iproute2 does: a bare number is the kernel unit', () => {
    const metrics = (words: string) => spec(`route add 10.0.0.0/8 dev v0 ${words}`).metrics;
    assert.deepEqual(metrics('rtt 100 rttvar 50'), { rtt: 100, rttvar: 50 });
    assert.deepEqual(metrics('rtt 2s rttvar 10ms rto_min 20ms'), { rtt: 16000, rttvar: 40, rtoMin: 20 });
    assert.deepEqual(metrics('features ecn quickack 1 congctl lock cubic hoplimit 5'), {
      features: 'ecn',
      quickack: true,
      congctl: 'cubic',
      hoplimit: 5,
      lock: ['congctl'],
    });
  });

  it('knows every verb and its abbreviations', () => {
    const verbs: Array<[string, string]> = [
      ['r a 10.0.0.0/8 dev v0', 'add'],
      ['ro chg 10.0.0.0/8 dev v0', 'change'],
      ['route rep 10.0.0.0/8 dev v0', 'replace'],
      ['route prep 10.0.0.0/8 dev v0', 'prepend'],
      ['route app 10.0.0.0/8 dev v0', 'append'],
      ['route t 10.0.0.0/8 dev v0', 'test'],
      ['route del 10.0.0.0/8', 'delete'],
      ['route', 'list'],
      ['route lst', 'list'],
      ['route sh', 'list'],
      ['route g 10.1.1.1', 'get'],
      ['route flush table 5', 'flush'],
    ];
    for (const [line, verb] of verbs) assert.equal(parse(line).verb, verb, line);
  });

  it('reads show selectors: root, match, exact, table all, type, via inet6', () => {
    const filter = (line: string) => routeFilterOf(line);
    assert.deepEqual(filter('route show root 10.0.0.0/8').dst?.kind, 'root');
    assert.deepEqual(filter('route show to match 10.1.1.1').dst?.kind, 'match');
    assert.deepEqual(filter('route show 10.1.0.0/24').dst, {
      kind: 'exact',
      prefix: { family: 4, prefix: '10.1.0.0/24', address: '10.1.0.0', length: 24, host: false },
    });
    assert.equal(filter('route show table all type unreachable').type, 'unreachable');
    assert.equal(filter('route show via inet6 2001:db8::2').via?.family, 6);
    assert.equal(filter('route show table all').family, undefined, 'only -4/-6 pick the family of a listing');
  });

  it('reads route get options', () => {
    const command = parse('route get 10.1.0.7 from 10.1.0.1 iif v0 mark 0x20 uid 7 oif v1 ipproto 17 dport 80 tos 10 fibmatch');
    assert.ok(command.verb === 'get');
    assert.equal(command.address, '10.1.0.7');
    assert.deepEqual(command.options, {
      from: '10.1.0.1',
      iif: 'v0',
      mark: 32,
      uid: 7,
      oif: 'v1',
      ipproto: 17,
      dport: 80,
      tos: 16,
      fibmatch: true,
    });
  });

  it('refuses bad syntax before anything is sent, naming the word', () => {
    usageError('route add 10.0.0.0/8 via', /"via" needs an argument/);
    usageError('route add 10.0.0.0/8 via nowhere', /address is expected rather than "nowhere"/);
    usageError('route add 10.0.0.0/40 dev v0', /"10.0.0.0\/40"/);
    usageError('route add 10.0.0.0/8 via 2001:db8::1', /inet address.*"2001:db8::1"/);
    usageError('route add 10.0.0.0/8 10.1.0.0/16', /"10.1.0.0\/16" is not a keyword, and the destination is already 10.0.0.0\/8/);
    usageError('route add 10.0.0.0/8 dev v0 bogus', /"bogus" is not a keyword/);
    usageError('route add 10.0.0.0/8 nexthop via 10.1.0.2 mtu 1400', /"nexthop" or end of line is expected instead of "mtu"/);
    usageError('route add 10.0.0.0/8 nexthop weight 0', /weight/);
    usageError('route add 10.0.0.0/8 hoplimit 300', /"hoplimit"/);
    usageError('route add 10.0.0.0/8 rtt 5min', /"rtt"/);
    usageError('route add dev v0', /destination/);
    usageError('route flush', /requires arguments/);
    usageError('route get', /destination/);
    usageError('route add 10.0.0.0/8 encap mpls 100 dev v0', /not supported/);
    usageError('route add 10.0.0.0/8 dev v0 scope nowhere-near', /"nowhere-near"/);
    usageError('route show table nosuch', /"nosuch"/);
  });
});

describe('cli: options and batch files', () => {
  it("reads iproute2's global options, abbreviated or not", () => {
    const { options, rest } = parseOptions(['-n', 'qrouter-1', '-6', '-j', '-p', '-force', 'route', 'show']);
    assert.deepEqual(options, {
      family: 6,
      netns: 'qrouter-1',
      json: true,
      pretty: true,
      details: false,
      numeric: false,
      force: true,
      help: false,
      version: false,
    });
    assert.deepEqual(rest, ['route', 'show']);
    assert.equal(parseOptions(['-netns', 'x', '-json', '-pretty', 'rule']).options.netns, 'x');
    assert.equal(parseOptions(['-b', 'file.txt']).options.batch, 'file.txt');
    assert.equal(parseOptions(['-batch', '-']).options.batch, '-');
    assert.equal(parseOptions(['-family', 'inet6']).options.family, 6);
    assert.deepEqual([parseOptions(['-d', '-N']).options.details, parseOptions(['-details', '-Numeric']).options.numeric], [true, true]);
    assert.throws(() => parseOptions(['-x']), UsageError);
    assert.throws(() => parseOptions(['-n']), UsageError);
  });

  it('splits a batch file into numbered lines, without blanks and comments', () => {
    const lines = [
      ...readBatchLines(
        '# setup\nrule add pref 5 table 5\n\n  -6 route add 2001:db8::/32 dev v0 # inline\nroute add 10.0.0.0/8 dev "v0"\n',
      ),
    ];
    assert.deepEqual(lines, [
      { number: 2, words: ['rule', 'add', 'pref', '5', 'table', '5'] },
      { number: 4, words: ['-6', 'route', 'add', '2001:db8::/32', 'dev', 'v0'] },
      { number: 5, words: ['route', 'add', '10.0.0.0/8', 'dev', 'v0'] },
    ]);
  });

  it('splits every line as the one rule says, whether it is plain ASCII or not', () => {
    // The rule: words are runs of non-\s characters or quoted strings; a word that
    // begins with # ends the line. Plain ASCII lines take a faster path; this compares
    // both paths with the rule on random lines of the characters that matter.
    const byRule = (line: string): string[] => {
      const words: string[] = [];
      for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
        if (match[3]?.startsWith('#')) break;
        words.push(match[1] ?? match[2] ?? match[3]);
      }
      return words;
    };
    const alphabet = ['a', 'b', '1', '/', '#', ' ', '\t', '\r', '\v', '\f', '"', "'", '\u00a0', 'é', '\u2028'];
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let i = 0; i < 5000; i++) {
      const length = random(14);
      const plain = random(2) === 0; // half the lines from the ASCII letters and spaces only
      let line = '';
      for (let k = 0; k < length; k++) line += alphabet[random(plain ? 10 : alphabet.length)];
      const read = [...readBatchLines(line)];
      const expected = byRule(line);
      assert.deepEqual(read, expected.length ? [{ number: 1, words: expected }] : [], JSON.stringify(line));
    }
  });
});

describe('cli: output forms', () => {
  const style = new PrintStyle(new NameRegistry({ configDir: '/nonexistent' }));

  it("writes JSON as iproute2's json_writer does, compact and pretty", () => {
    const write = (pretty: boolean) => {
      const w = new JsonWriter(pretty).openArray();
      w.openObject().key('dst').string('10.0.0.0/8').key('flags').openArray().closeArray();
      w.key('metrics').openArray().openObject().key('mtu').number(1400).closeObject().closeArray().closeObject();
      w.openObject().key('flags').openArray().string('onlink').closeArray().key('nop').null().closeObject();
      return w.closeArray().finish();
    };
    assert.equal(write(false), '[{"dst":"10.0.0.0/8","flags":[],"metrics":[{"mtu":1400}]},{"flags":["onlink"],"nop":null}]\n');
    assert.equal(
      write(true),
      [
        '[ {',
        '        "dst": "10.0.0.0/8",',
        '        "flags": [ ],',
        '        "metrics": [ {',
        '                "mtu": 1400',
        '            } ]',
        '    },{',
        '        "flags": [ "onlink" ],',
        '        "nop": null',
        '    } ]',
        '',
      ].join('\n'),
    );
    assert.equal(new JsonWriter(true).openArray().closeArray().finish(), '[ ]\n');
  });

  it('prints a rule as ip rule show does', () => {
    const text = new Output({ json: false, pretty: false });
    printRule(
      text,
      {
        family: 4,
        priority: 101,
        not: true,
        from: '10.1.0.5/32',
        to: '192.168.0.0/16',
        tos: 16,
        fwmark: 16,
        fwmask: 255,
        iif: 'v0',
        table: 1000,
        action: 'lookup',
        protocol: 3,
      },
      style,
    );
    printRule(
      text,
      { family: 4, priority: 103, uidrange: [100, 200], sport: [80, 80], dport: [1000, 2000], action: 'prohibit', protocol: 4 },
      style,
    );
    assert.equal(
      text.finish(),
      [
        '101:\tnot from 10.1.0.5 to 192.168.0.0/16 tos 0x10 fwmark 0x10/0xff iif v0 lookup 1000 proto boot',
        '103:\tfrom all uidrange 100-200 sport 80 dport 1000-2000 prohibit proto static',
        '',
      ].join('\n'),
    );
    const json = new Output({ json: true, pretty: false });
    printRule(json, { family: 4, priority: 104, action: 'goto', goto: 200, unresolved: true, protocol: 2 }, style);
    assert.equal(json.finish(), '[{"priority":104,"src":"all","goto":200,"unresolved":null}]\n');
  });

  it('prints routes as ip route show does, trailing spaces and all', () => {
    const text = new Output({ json: false, pretty: false });
    printRoute(
      text,
      {
        family: 4,
        type: 'unicast',
        table: 1000,
        dst: '10.160.0.0/16',
        dev: 'v0',
        protocol: 4,
        scope: 253,
        metric: 100,
        metrics: { mtu: 1400, advmss: 1360, lock: ['mtu'] },
      },
      style,
    );
    printRoute(
      text,
      {
        family: 6,
        type: 'unicast',
        table: 254,
        dst: '2001:db8:72::/48',
        protocol: 3,
        scope: 0,
        metric: 1024,
        pref: 'medium',
        nexthops: [{ via: '2001:db8::2', dev: 'v0', weight: 1 }],
      },
      style,
    );
    printRoute(
      text,
      {
        family: 4,
        type: 'local',
        table: 255,
        dst: '10.1.0.1/32',
        dev: 'lo',
        protocol: 2,
        scope: 254,
        src: '10.1.0.1',
        uid: 0,
        cacheFlags: 0x80000000,
      },
      style,
    );
    assert.equal(
      text.finish(),
      [
        '10.160.0.0/16 dev v0 table 1000 proto static scope link metric 100 mtu lock 1400 advmss 1360 ',
        '2001:db8:72::/48 metric 1024 pref medium',
        '\tnexthop via 2001:db8::2 dev v0 weight 1 ',
        'local 10.1.0.1 dev lo table local src 10.1.0.1 uid 0 ',
        '    cache <local> ',
        '',
      ].join('\n'),
    );
    // -d prints the defaults too, -N prints numbers for names
    const details = new Output({ json: false, pretty: false });
    const registry = new NameRegistry({ configDir: '/nonexistent' });
    const route = {
      family: 4,
      type: 'unicast',
      table: 254,
      dst: '10.9.0.0/16',
      via: '10.1.0.2',
      dev: 'v0',
      protocol: 3,
      scope: 0,
    } as const;
    printRoute(details, route, new PrintStyle(registry, { details: true }));
    printRoute(details, route, new PrintStyle(registry, { details: true, numeric: true }));
    printRule(
      details,
      { family: 4, priority: 5, action: 'prohibit', protocol: 0 },
      new PrintStyle(registry, { details: true, numeric: true }),
    );
    assert.equal(
      details.finish(),
      [
        'unicast 10.9.0.0/16 via 10.1.0.2 dev v0 table main proto boot scope global ',
        '1 10.9.0.0/16 via 10.1.0.2 dev v0 table 254 proto 3 scope 0 ',
        '5:\tfrom all 8 proto 0',
        '',
      ].join('\n'),
    );
    const json = new Output({ json: true, pretty: false });
    printRoute(
      json,
      {
        family: 4,
        type: 'unicast',
        table: 254,
        dst: '10.206.0.0/16',
        via: '2001:db8::2',
        dev: 'v0',
        protocol: 3,
        scope: 0,
        realms: 0x10002,
      },
      style,
    );
    assert.equal(
      json.finish(),
      '[{"dst":"10.206.0.0/16","via":{"family":"inet6","host":"2001:db8::2"},"dev":"v0","flags":[],"flow":{"from":"1","to":"2"}}]\n',
    );
  });
});

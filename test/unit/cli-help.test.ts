// The CLI's help, as scripts use it: `nlroute help`, `rule help`, `route help`,
// `route get help` and `-h` print the grammar where `ip` does (stderr, status 255,
// `ip` itself is the witness), every option the parser takes is listed, and every
// keyword a script would probe for is both in the text and accepted by the parser.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import type { Handle } from '../../lib';
import { runBatch } from '../../lib/cli/batch-file';
import { readBatchLines } from '../../lib/cli/batch-lines';
import { parseCommand } from '../../lib/cli/command';
import { main, type MainIo } from '../../lib/cli/main';
import { parseOptions } from '../../lib/cli/options';
import { NameRegistry } from '../../lib/names/registry';

async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: MainIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: () => '',
  };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

function ip(args: string[]): { status: number; stdout: string; stderr: string } | undefined {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) return undefined;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const names = new NameRegistry({ configDir: '/nonexistent-nlroute-names' });
const parses = (line: string) => parseCommand(line.split(' '), names);

describe('cli: help', () => {
  const forms: Array<[string[], RegExp]> = [
    [['help'], /^Usage: nlroute \[ OPTIONS \] OBJECT/],
    [['-h'], /^Usage: nlroute \[ OPTIONS \] OBJECT/],
    [['-help'], /^Usage: nlroute \[ OPTIONS \] OBJECT/],
    [['rule', 'help'], /^Usage: nlroute rule \{ add \| del \} SELECTOR ACTION/],
    [['rule', 'add', 'help'], /^Usage: nlroute rule/],
    [['route', 'help'], /^Usage: nlroute route/],
    [['route', 'get', 'help'], /^Usage: nlroute route/],
    [['route', 'add', '10.0.0.0/8', 'help'], /^Usage: nlroute route/],
  ];

  for (const [args, text] of forms) {
    it(`nlroute ${args.join(' ')} prints the grammar on stderr with status 255, as ip does`, async () => {
      const ours = await run(args);
      assert.match(ours.stderr, text);
      assert.equal(ours.stdout, '');
      assert.equal(ours.status, 255);
      const theirs = ip(args);
      if (theirs) {
        assert.equal(theirs.status, ours.status, `ip ${args.join(' ')} exits ${theirs.status}`);
        assert.equal(theirs.stdout, '');
        assert.match(theirs.stderr, /^Usage: ip/);
      }
    });
  }

  it('-h lists every option the parser takes', async () => {
    const help = (await run(['-h'])).stderr;
    const options: Array<[string, string[]]> = [
      ['-4', ['-4']],
      ['-6', ['-6']],
      ['-f[amily]', ['-f', 'inet6']],
      ['-n[etns]', ['-n', 'x']],
      ['-j[son]', ['-j']],
      ['-p[retty]', ['-p']],
      ['-d[etails]', ['-d']],
      ['-N[umeric]', ['-N']],
      ['-b[atch]', ['-b', 'f']],
      ['-force', ['-force']],
      ['-h[elp]', ['-h']],
      ['-V[ersion]', ['-V']],
    ];
    for (const [listed, argv] of options) {
      assert.ok(help.includes(listed), `-h lists ${listed}`);
      assert.deepEqual(parseOptions(argv).rest, [], `${argv.join(' ')} is an option`);
    }
    // Nothing listed that the parser refuses.
    const listedOptions = [...help.matchAll(/(?<![\w-])-[A-Za-z0-9]+/g)].map((m) => m[0]);
    for (const option of listedOptions) {
      const takesArgument = /^-(f|family|n|netns|b|batch)$/.test(option);
      const argv = takesArgument ? [option, option.startsWith('-f') ? 'inet' : 'x'] : [option];
      assert.doesNotThrow(() => parseOptions(argv), `${option} is listed and taken`);
    }
  });

  it('names every keyword a script would probe for, and the parser takes each one', async () => {
    const route = (await run(['route', 'help'])).stderr;
    const rule = (await run(['rule', 'help'])).stderr;
    const routeProbes: Array<[string, string]> = [
      ['fibmatch', 'route get fibmatch 10.0.0.1'],
      ['ipproto', 'route get 10.0.0.1 ipproto tcp'],
      ['sport', 'route get 10.0.0.1 sport 80'],
      ['dport', 'route get 10.0.0.1 dport 80'],
      ['uid', 'route get 10.0.0.1 uid 5'],
      ['mark', 'route get 10.0.0.1 mark 5'],
      ['nhid', 'route add 10.0.0.0/8 nhid 5'],
      ['pref', 'route add 2001:db8::/32 dev v0 pref high'],
      ['expires', 'route add 2001:db8::/32 dev v0 expires 10'],
      ['congctl', 'route add 10.0.0.0/8 dev v0 congctl cubic'],
      ['quickack', 'route add 10.0.0.0/8 dev v0 quickack 1'],
      ['fastopen_no_cookie', 'route add 10.0.0.0/8 dev v0 fastopen_no_cookie 1'],
      ['features', 'route add 10.0.0.0/8 dev v0 features ecn'],
      ['rto_min', 'route add 10.0.0.0/8 dev v0 rto_min 5ms'],
      ['onlink', 'route add 10.0.0.0/8 via 10.9.9.9 dev v0 onlink'],
      ['weight', 'route add 10.0.0.0/8 nexthop via 10.1.1.1 weight 2'],
    ];
    for (const [keyword, line] of routeProbes) {
      assert.match(route, new RegExp(`\\b${keyword}\\b`), `route help names ${keyword}`);
      assert.doesNotThrow(() => parses(line), line);
    }
    const ruleProbes: Array<[string, string]> = [
      ['uidrange', 'rule add uidrange 1-2 table 5'],
      ['ipproto', 'rule add ipproto tcp table 5'],
      ['l3mdev', 'rule add l3mdev'],
      ['suppress_prefixlength', 'rule add table main suppress_prefixlength 0'],
      ['suppress_ifgroup', 'rule add table main suppress_ifgroup 1'],
      ['goto', 'rule add goto 100'],
      ['realms', 'rule add realms 1/2 table 5'],
      ['protocol', 'rule add protocol static table 5'],
    ];
    for (const [keyword, line] of ruleProbes) {
      assert.match(rule, new RegExp(`\\b${keyword}\\b`), `rule help names ${keyword}`);
      assert.doesNotThrow(() => parses(line), line);
    }
  });

  it('a batch line asking for help prints the grammar and ends the batch, as ip -batch does', async () => {
    let stderr = '';
    // The line is read before anything is sent: a handle with the name files is all it needs.
    const handle = { names } as unknown as Handle;
    const options = { source: '-', force: false, json: false, pretty: false };
    const status = await runBatch(handle, readBatchLines('rule help\nrule add pref 5 table 5\n'), options, {
      stdout: () => undefined,
      stderr: (text) => void (stderr += text),
    });
    assert.equal(status, 255);
    assert.match(stderr, /^Usage: nlroute rule \{ add \| del \} SELECTOR ACTION\n/);
    const theirs = spawnSync('ip', ['-batch', '-'], { input: 'rule help\n', encoding: 'utf8' });
    if (!theirs.error) {
      assert.equal(theirs.status, status);
      assert.match(theirs.stderr, /^Usage: ip rule/);
    }
  });

  it('help is not a keyword where a value is expected', () => {
    // `table help` is a table name to look up, not a request for help.
    assert.throws(() => parses('rule add table help'), /table/);
  });
});

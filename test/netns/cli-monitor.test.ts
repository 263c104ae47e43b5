// `nlroute monitor` beside `ip monitor`, both watching one namespace while `ip` makes
// the same changes: the text must be the same, line for line.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

import { NLROUTE_BIN, nlroute } from '../helpers/cli';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exit: Promise<number | null>;
}

function start(command: string, args: string[]): Running {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exit };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Adds and removes a marker rule until every monitor has printed it: they are all listening. */
async function untilAllSee(ns: ScratchNamespace, monitors: Running[], priority: number, keep = false): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    ns.ip(`rule add from 10.255.255.${attempt & 255} lookup 99 pref ${priority}`);
    if (!keep) ns.ip(`rule del pref ${priority}`);
    await pause(50);
    if (monitors.every((m) => m.output().includes(`${priority}:\t`) || m.output().includes(`"priority":${priority}`))) return;
    if (keep) ns.ip(`rule del pref ${priority}`);
  }
  throw new Error(`the monitors never printed the marker: ${monitors.map((m) => m.output()).join('\n---\n')}`);
}

/** What a monitor printed after the last start marker's removal, up to the end marker. */
function between(output: string): string {
  const last = output.lastIndexOf('Deleted 9999:');
  const after = output.indexOf('\n', last) + 1;
  return output.slice(after, output.indexOf('9998:\t', after));
}

describeInNamespace('nlroute monitor', (ns) => {
  it('prints rule and route changes exactly as ip monitor does', async function () {
    this.timeout(60_000);
    ns().withTestAddresses();
    const name = ns().name;
    const ip = start('ip', ['-n', name, 'monitor', 'rule', 'route']);
    const ours = start(process.execPath, [NLROUTE_BIN, '-n', name, 'monitor', 'rule', 'route']);
    try {
      await untilAllSee(ns(), [ip, ours], 9999);
      ns().ip('rule add from 10.1.1.1 lookup 16 pref 100');
      ns().ip('-6 rule add from 2001:db8::1 fwmark 0x10/0xff lookup 17 pref 101');
      ns().ip('route add 10.5.0.0/24 via 10.1.0.2 table 16');
      ns().ip('route replace 10.5.0.0/24 via 10.2.0.2 table 16 proto static');
      ns().ip('route add 10.6.0.0/24 dev v0 metric 5');
      ns().ip('route add blackhole 10.7.0.0/16 table 16');
      ns().ip('-6 route add 2001:db8:5::/48 via 2001:db8::9 table 16');
      ns().ip('route del 10.5.0.0/24 table 16');
      ns().ip('-6 route del 2001:db8:5::/48 table 16');
      ns().ip('rule del pref 100');
      await untilAllSee(ns(), [ip, ours], 9998, true);
    } finally {
      ip.child.kill('SIGINT');
      ours.child.kill('SIGINT');
    }
    assert.equal(await ours.exit, 0, ours.output());
    await ip.exit;
    const theirs = between(ip.output());
    assert.ok(theirs.split('\n').length > 10, theirs);
    assert.equal(between(ours.output()), theirs);
  });

  it('-j prints one JSON object per line; link events are its own', async function () {
    this.timeout(60_000);
    const ours = start(process.execPath, [NLROUTE_BIN, '-j', '-n', ns().name, 'monitor', 'all']);
    try {
      await untilAllSee(ns(), [ours], 9999);
      ns().ip('link set v1 down');
      ns().ip('link set v1 name v7');
      ns().ip('link set v7 up');
      ns().ip('route add 10.8.0.0/16 dev v7 table 8');
      await untilAllSee(ns(), [ours], 9998, true);
    } finally {
      ours.child.kill('SIGINT');
    }
    assert.equal(await ours.exit, 0, ours.output());
    const events = ours
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; kind: string; object: Record<string, unknown> });
    assert.ok(events.some((e) => e.type === 'changed' && e.kind === 'link' && e.object.ifname === 'v7'));
    assert.ok(events.some((e) => e.type === 'added' && e.kind === 'route' && e.object.dst === '10.8.0.0/16' && e.object.dev === 'v7'));
    assert.ok(events.some((e) => e.type === 'removed' && e.kind === 'rule' && e.object.priority === 9999));
  });

  it('refuses an unknown object before opening anything', function () {
    const r = nlroute(['-n', ns().name, 'monitor', 'neigh']);
    assert.equal(r.status, 255);
    assert.match(r.stderr, /"neigh" is unknown/);
  });
});

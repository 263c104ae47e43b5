// What every benchmark measurement shares: a fresh throwaway namespace checked to be
// back to its initial state afterwards, a clock with CPU time, and the baselines
// (the raw C client, `ip -batch`, one `ip` per operation) run the same way.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { Handle } from '../../lib';
import { ipBatch, ipIn } from '../ip-commands';
import { withScratchNamespace } from '../scratch-namespace';

/** One timed run: wall and CPU milliseconds, and how many operations it did. */
export interface Sample {
  wallMs: number;
  userMs?: number;
  sysMs?: number;
  ops: number;
  /** The longest the event loop waited to run a 1 ms timer during the run (timedWithLoopDelay). */
  loopDelayMaxMs?: number;
}

export const TABLE = 16;
export const GATEWAY = '169.254.0.2';

// The same objects nlraw makes: rule i is `from 10.(i>>16).(i>>8&255).(i&255) lookup 16
// pref 32768+i`; route i is `172.16.0.0+i/32 via 169.254.0.2 dev v0 table 16`.
export const ruleOf = (i: number) => ({ from: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, table: TABLE, priority: 32768 + i });
export const routeAddress = (i: number) => {
  const n = 0xac100000 + i;
  return `${n >>> 24}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};
export const routeOf = (i: number) => ({ dst: `${routeAddress(i)}/32`, via: GATEWAY, dev: 'v0', table: TABLE });
/** What deletes route i: its key. */
export const routeKeyOf = (i: number) => ({ dst: `${routeAddress(i)}/32`, table: TABLE });

/** W4's work: `n` × (rule add; rule del) of one rule, each awaited. */
export async function awaitedPairs(h: Handle, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await h.rules.add(ruleOf(0));
    await h.rules.delete(ruleOf(0));
  }
}

/** W2's work as single calls: one Promise.all of `n` route adds, then one of their deletes. */
export async function promiseAllAddsThenDeletes(h: Handle, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => h.routes.add(routeOf(i))));
  await Promise.all(Array.from({ length: n }, (_, i) => h.routes.delete(routeKeyOf(i))));
}

/**
 * Runs `body` in its own namespace with a veth v0 (169.254.0.1/24, so 169.254.0.2 is a
 * reachable gateway) and fails if the IPv4 routes or the rules are not as they were.
 */
export async function inFreshNamespace<T>(body: (netns: string) => Promise<T>): Promise<T> {
  return withScratchNamespace(
    'nlr-bench',
    async (netns) => {
      // One ip process for the five lines (lo too): a fork costs several ms on this VM,
      // and every run of every cell pays for its namespace.
      ipBatch(netns, [
        'link set lo up',
        'link add v0 type veth peer name v1',
        'link set v0 up',
        'link set v1 up',
        'addr add 169.254.0.1/24 dev v0',
      ]);
      const initial = stateOf(netns);
      const result = await body(netns);
      if (stateOf(netns) !== initial) throw new Error(`${netns} was not left as it was found`);
      return result;
    },
    { bare: true },
  );
}

// IPv4 routes and both families' rules: what the workloads change. (IPv6 link-local
// routes appear on their own a moment after a device comes up, so they are left out.)
// Two ip processes: the IPv4 rules and routes from one batch, the IPv6 rules.
function stateOf(netns: string): string {
  const ip = (args: string[], input?: string) =>
    execFileSync('ip', ['-n', netns, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  return [ip(['-4', '-batch', '-'], 'rule show\nroute show table all\n'), ip(['-6', 'rule', 'show'])].join('\n');
}

/** Times work done in this process (nlroute): wall clock and this process's CPU. */
export async function timed(ops: number, work: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await work();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, userMs: used.user / 1000, sysMs: used.system / 1000, ops };
}

/**
 * timed(), with the event loop's longest delay during the work: for the methods that
 * keep the loop busy themselves (awaited calls answered at once), the delay is part of
 * what they cost.
 */
export async function timedWithLoopDelay(ops: number, work: () => Promise<void>): Promise<Sample> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const sample = await timed(ops, work);
  delay.disable();
  return { ...sample, loopDelayMaxMs: delay.max / 1e6 };
}

// CPU time of waited-for children, from /proc/self/stat (cutime, cstime), in ms.
function childCpu(): { user: number; sys: number } {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const hz = 100; // USER_HZ
  return { user: (Number(fields[13]) * 1000) / hz, sys: (Number(fields[14]) * 1000) / hz };
}

/** Times child processes: wall clock and the children's CPU. */
export function timedChildren(ops: number, work: () => void): Sample {
  const cpu = childCpu();
  const start = process.hrtime.bigint();
  work();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const after = childCpu();
  return { wallMs, userMs: after.user - cpu.user, sysMs: after.sys - cpu.sys, ops };
}

/** The nlroute CLI (bin/nlroute.js) given the same batch file as `ip -batch`: a process per run, like ip. */
export function nlrouteBatch(netns: string, lines: string[], force = false): void {
  const bin = path.join(__dirname, '..', '..', '..', 'bin', 'nlroute.js');
  const r = spawnSync(process.execPath, [bin, '-n', netns, ...(force ? ['-force'] : []), '-batch', '-'], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`nlroute -batch: ${r.stderr}`);
}

export function ipEach(netns: string, lines: string[]): void {
  for (const line of lines) ipIn(netns, line);
}

/** The raw C client (scripts/baseline/nlraw.c), compiled with the system compiler. */
export class RawClient {
  private constructor(readonly binary: string) {}

  /** undefined (and a note on stdout) when there is no compiler. */
  static build(): RawClient | undefined {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlraw-')), 'nlraw');
    const source = path.join(__dirname, '..', '..', '..', 'scripts', 'baseline', 'nlraw.c');
    const r = spawnSync('cc', ['-O2', '-o', out, source], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`raw C client not built (cc: ${r.error?.message ?? r.stderr.trim()}); its cells are skipped`);
      return undefined;
    }
    return new RawClient(out);
  }

  remove(): void {
    fs.rmSync(path.dirname(this.binary), { recursive: true, force: true });
  }

  /** Runs nlraw in `netns` and returns its own measurement of `phase` (start-up not counted). */
  run(netns: string, args: string[], phase: string): Sample {
    const out = execFileSync('ip', ['netns', 'exec', netns, this.binary, ...args], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith('RESULT ') && l.includes(` phase=${phase} `));
    if (!line) throw new Error(`nlraw ${args.join(' ')}: no phase ${phase} in ${out}`);
    const field = (key: string) => Number(new RegExp(`${key}=([\\d.]+)`).exec(line)![1]);
    return { wallMs: field('wall_s') * 1000, userMs: field('user_s') * 1000, sysMs: field('sys_s') * 1000, ops: field('ops') };
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

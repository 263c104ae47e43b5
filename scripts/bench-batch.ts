// The batch engine against the raw C client (scripts/baseline/nlraw.c, the kernel's
// floor) and `ip -batch`, doing the same operations side by side in one run, each
// measurement in a fresh throwaway namespace that is checked to be back to its
// initial state afterwards.
//   npm run bench:batch [-- N [RUNS]]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { open, type Handle } from '../lib';
import { withScratchNamespace } from './scratch-namespace';

const N = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 5);
const RULES_SMALL = 1000;
const LATENCY_PAIRS = 2000;
const TABLE = 16;
const GATEWAY = '169.254.0.2';

// The same objects nlraw makes: rule i is `from 10.(i>>16).(i>>8&255).(i&255) lookup 16
// pref 32768+i`; route i is `172.16.0.0+i/32 via 169.254.0.2 dev v0 table 16`.
const ruleOf = (i: number) => ({ from: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, table: TABLE, priority: 32768 + i });
const routeAddress = (i: number) => {
  const n = 0xac100000 + i;
  return `${n >>> 24}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};
const routeOf = (i: number) => ({ dst: `${routeAddress(i)}/32`, via: GATEWAY, dev: 'v0', table: TABLE });

type Sample = number; // milliseconds
interface Cell {
  samples: Sample[];
  note?: string;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One measurement in its own namespace with a veth whose far end is the gateway. */
async function inFreshNamespace(body: (netns: string) => Promise<number>): Promise<number> {
  return withScratchNamespace('nlr-batch', async (netns) => {
    execFileSync('ip', ['-n', netns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'v0', 'up']);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'v1', 'up']);
    execFileSync('ip', ['-n', netns, 'addr', 'add', '169.254.0.1/24', 'dev', 'v0']);
    const initial = stateOf(netns);
    const elapsed = await body(netns);
    if (stateOf(netns) !== initial) throw new Error(`${netns} was not left as it was found`);
    return elapsed;
  });
}

// IPv4 routes and both families' rules: what the workloads change. (IPv6 link-local
// routes appear on their own a moment after a device comes up, so they are left out.)
function stateOf(netns: string): string {
  const ip = (...args: string[]) => execFileSync('ip', ['-n', netns, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return [ip('-4', 'rule', 'show'), ip('-6', 'rule', 'show'), ip('-4', 'route', 'show', 'table', 'all')].join('\n');
}

async function measure(runs: number, once: () => Promise<number>): Promise<Cell> {
  await once(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return { samples };
}

async function withHandle(netns: string, body: (h: Handle) => Promise<number>): Promise<number> {
  const h = await open({ netns });
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}

function expectAllDone(results: Array<{ status: string }>, what: string) {
  const bad = results.filter((r) => r.status !== 'done');
  if (bad.length) throw new Error(`${what}: ${bad.length} operations did not succeed`);
}

// nlroute -------------------------------------------------------------------

function nlrouteRulesBatch(n: number) {
  return () => inFreshNamespace((netns) => withHandle(netns, async (h) => {
    const start = process.hrtime.bigint();
    const adds = h.batch();
    for (let i = 0; i < n; i++) adds.rules.add(ruleOf(i));
    expectAllDone(await adds.commit(), 'rule adds');
    const dels = h.batch();
    for (let i = 0; i < n; i++) dels.rules.delete(ruleOf(i));
    expectAllDone(await dels.commit(), 'rule deletes');
    return ms(start);
  }));
}

function nlrouteRoutesBatch(n: number) {
  return () => inFreshNamespace((netns) => withHandle(netns, async (h) => {
    await h.refreshDevices(); // the device name cache is filled before the clock starts
    const start = process.hrtime.bigint();
    const adds = h.batch();
    for (let i = 0; i < n; i++) adds.routes.add(routeOf(i));
    expectAllDone(await adds.commit(), 'route adds');
    const dels = h.batch();
    for (let i = 0; i < n; i++) dels.routes.delete({ dst: `${routeAddress(i)}/32`, table: TABLE });
    expectAllDone(await dels.commit(), 'route deletes');
    return ms(start);
  }));
}

/** Promise.all over single adds (coalesced by the handle); the deletes are not timed. */
function nlrouteCoalescedAdds(n: number) {
  return () => inFreshNamespace((netns) => withHandle(netns, async (h) => {
    await h.refreshDevices();
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: n }, (_, i) => h.routes.add(routeOf(i))));
    const elapsed = ms(start);
    await h.routes.flush({ table: TABLE });
    return elapsed;
  }));
}

function nlrouteAwaitedLatency(pairs: number) {
  return () => inFreshNamespace((netns) => withHandle(netns, async (h) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < pairs; i++) {
      await h.rules.add(ruleOf(0));
      await h.rules.delete(ruleOf(0));
    }
    return ms(start);
  }));
}

// baselines -----------------------------------------------------------------

function buildRawClient(): string | undefined {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlraw-')), 'nlraw');
  const source = path.join(__dirname, '..', '..', 'scripts', 'baseline', 'nlraw.c');
  const r = spawnSync('cc', ['-O2', '-o', out, source], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`raw C client not built (cc: ${r.error?.message ?? r.stderr.trim()}); its column is skipped`);
    return undefined;
  }
  return out;
}

/** nlraw's own timer for one phase (`total`, `add`): its process start-up is not counted. */
function raw(client: string, args: string[], phase: string) {
  return () => inFreshNamespace(async (netns) => {
    const out = execFileSync('ip', ['netns', 'exec', netns, client, ...args], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.includes(`phase=${phase} `));
    const wall = line && /wall_s=([\d.]+)/.exec(line);
    if (!wall) throw new Error(`nlraw said: ${out}`);
    if (phase === 'add') execFileSync('ip', ['-n', netns, 'route', 'flush', 'table', String(TABLE)]);
    return Number(wall[1]) * 1000;
  });
}

function ipBatch(lines: string[]) {
  return () => inFreshNamespace(async (netns) => {
    const start = process.hrtime.bigint();
    const r = spawnSync('ip', ['-n', netns, '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
    const elapsed = ms(start);
    if (r.status !== 0) throw new Error(`ip -batch: ${r.stderr}`);
    return elapsed;
  });
}

function ruleLines(n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`rule add from ${ruleOf(i).from} lookup ${TABLE} pref ${32768 + i}`);
  for (let i = 0; i < n; i++) lines.push(`rule del from ${ruleOf(i).from} lookup ${TABLE} pref ${32768 + i}`);
  return lines;
}

function routeLines(n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`route add ${routeAddress(i)}/32 via ${GATEWAY} dev v0 table ${TABLE}`);
  for (let i = 0; i < n; i++) lines.push(`route del ${routeAddress(i)}/32 table ${TABLE}`);
  return lines;
}

// report --------------------------------------------------------------------

interface Row {
  workload: string;
  ops: number;
  nlroute: Cell;
  method: string;
  raw?: Cell;
  rawMethod?: string;
  ipBatch?: Cell;
  target: string;
}

function show(cell: Cell | undefined): string {
  if (!cell) return '—';
  const s = [...cell.samples].sort((a, b) => a - b);
  return `${median(s).toFixed(1)} [${s[0].toFixed(1)}–${s[s.length - 1].toFixed(1)}]`;
}

function report(rows: Row[]) {
  console.log(`\nms per workload, median [min–max] of ${RUNS} runs; ratios from the medians`);
  console.log('| workload | ops | nlroute | raw C | ip -batch | nlroute / raw | ip -batch / nlroute | target |');
  console.log('|---|---:|---|---|---|---:|---:|---|');
  for (const r of rows) {
    const nl = median(r.nlroute.samples);
    const toRaw = r.raw ? `${(nl / median(r.raw.samples)).toFixed(2)}×` : '—';
    const fromIp = r.ipBatch ? `${(median(r.ipBatch.samples) / nl).toFixed(1)}×` : '—';
    console.log(`| ${r.workload} | ${r.ops} | ${r.method}: ${show(r.nlroute)} | ${r.rawMethod ?? ''} ${show(r.raw)} | ${show(r.ipBatch)} | ${toRaw} | ${fromIp} | ${r.target} |`);
  }
}

async function main() {
  const client = buildRawClient();
  const rows: Row[] = [];
  const step = (what: string) => process.stderr.write(`  measuring ${what}\n`);
  try {
    step('W2 routes');
    rows.push({
      workload: `W2 ${N} routes add+del`, ops: 2 * N, method: 'batch', nlroute: await measure(RUNS, nlrouteRoutesBatch(N)),
      rawMethod: 'pipelined', raw: client ? await measure(RUNS, raw(client, ['routes', 'pipe', String(N), `gw=${GATEWAY}`], 'total')) : undefined,
      ipBatch: await measure(RUNS, ipBatch(routeLines(N))), target: '≤ 1.25× raw',
    });
    step('W1 rules');
    rows.push({
      workload: `W1 ${N} rules add+del`, ops: 2 * N, method: 'batch', nlroute: await measure(RUNS, nlrouteRulesBatch(N)),
      rawMethod: 'pipelined', raw: client ? await measure(RUNS, raw(client, ['rules', 'pipe', String(N)], 'total')) : undefined,
      ipBatch: await measure(RUNS, ipBatch(ruleLines(N))), target: '≤ 1.1× raw',
    });
    step('1k rules');
    rows.push({
      workload: `${RULES_SMALL} rules add+del`, ops: 2 * RULES_SMALL, method: 'batch', nlroute: await measure(RUNS, nlrouteRulesBatch(RULES_SMALL)),
      rawMethod: 'pipelined', raw: client ? await measure(RUNS, raw(client, ['rules', 'pipe', String(RULES_SMALL)], 'total')) : undefined,
      ipBatch: await measure(RUNS, ipBatch(ruleLines(RULES_SMALL))), target: '≤ 1.3× raw',
    });
    step('W5 coalesced adds');
    rows.push({
      workload: `W5 Promise.all of ${N} single route adds`, ops: N, method: 'coalesced', nlroute: await measure(RUNS, nlrouteCoalescedAdds(N)),
      rawMethod: 'pipelined adds', raw: client ? await measure(RUNS, raw(client, ['routes', 'pipe', String(N), `gw=${GATEWAY}`, 'phase=add'], 'add')) : undefined,
      target: '≤ 1.5× raw',
    });
    step('W4 latency');
    rows.push({
      workload: `W4 ${LATENCY_PAIRS} × (rule add; rule del), each awaited`, ops: 2 * LATENCY_PAIRS, method: 'awaited',
      nlroute: await measure(RUNS, nlrouteAwaitedLatency(LATENCY_PAIRS)),
      rawMethod: 'sync', raw: client ? await measure(RUNS, raw(client, ['latency', String(LATENCY_PAIRS)], 'add+del')) : undefined,
      target: '≤ 3× raw sync',
    });
  } finally {
    if (client) fs.rmSync(path.dirname(client), { recursive: true, force: true });
  }
  report(rows);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

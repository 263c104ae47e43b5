// The workloads of the benchmark harness (W1..W10) and the methods each is measured
// with. A method is one way of doing the workload's work; each of its runs happens
// in a fresh namespace (W3 and W8 share one per measurement round, see there).
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { open, type Batch, type Handle } from '../../lib';
import { DvrNode, deviceName, FIP_TABLE, linkLocalPair, seededRandom, type FloatingIp } from '../../lib/dvr';
import { buildTopology } from '../dvr-topology';
import {
  awaitedPairs,
  GATEWAY,
  inFreshNamespace,
  ipEach,
  nlrouteBatch,
  promiseAllAddsThenDeletes,
  RawClient,
  routeAddress,
  routeKeyOf,
  routeOf,
  ruleOf,
  TABLE,
  timed,
  timedChildren,
  timedWithLoopDelay,
  type Sample,
} from './common';
import { ipBatch } from '../ip-commands';
import { pushTo } from '../push-to';
import { notificationMethods } from './notifications';

export interface Sizes {
  rules: number; // W1
  routes: number; // W2, W5
  dump: number; // W3
  pairs: number; // W4
  opens: number; // W6
  growth: number[]; // W7
  storm: { routers: number; fipsPerRouter: number }; // W8
  commands: number; // W9: processes started per run
  notifications: number; // W10: route adds a watcher must see
  ipSample: number; // operations done by one `ip` process each
}

export interface Method {
  name: string;
  /** `floor`: what any method of the workload pays at least (W9: node's own start). */
  kind: 'nlroute' | 'cli' | 'raw' | 'ip-batch' | 'ip' | 'peer' | 'floor';
  run: () => Promise<Sample>;
  note?: string;
  /** Each run is a fresh process's first work: the harness runs no warm-up for it. */
  cold?: boolean;
}

/**
 * A target of the issue: `method`'s per-operation cost at most `ratio` × that of
 * `reference`, or at most `maxMicros` per operation.
 */
export interface Target {
  method: string;
  reference?: string;
  ratio?: number;
  maxMicros?: number;
  /** At most this many ms of CPU per operation above `reference`'s (W9: above node's own start). */
  maxCpuAboveMs?: number;
  text: string;
}

export interface Workload {
  id: string;
  title: string;
  methods: Method[];
  /** The method nlroute's cells are compared with (a raw C method). */
  reference?: string;
  targets: Target[];
  notes: string[];
}

// ip -batch lines for the same objects (ruleOf, routeOf: see common.ts).
function ruleLines(n: number, phase: 'add' | 'del' | 'both' = 'both'): string[] {
  const lines: string[] = [];
  if (phase !== 'del') for (let i = 0; i < n; i++) lines.push(`rule add from ${ruleOf(i).from} lookup ${TABLE} pref ${32768 + i}`);
  if (phase !== 'add') for (let i = 0; i < n; i++) lines.push(`rule del from ${ruleOf(i).from} lookup ${TABLE} pref ${32768 + i}`);
  return lines;
}

function routeLines(n: number, phase: 'add' | 'del' | 'both' = 'both'): string[] {
  const lines: string[] = [];
  if (phase !== 'del') for (let i = 0; i < n; i++) lines.push(`route add ${routeAddress(i)}/32 via ${GATEWAY} dev v0 table ${TABLE}`);
  if (phase !== 'add') for (let i = 0; i < n; i++) lines.push(`route del ${routeAddress(i)}/32 table ${TABLE}`);
  return lines;
}

async function withHandle<T>(netns: string, body: (h: Handle) => Promise<T>): Promise<T> {
  const h = await open({ netns });
  try {
    await h.refreshDevices(); // the device cache is filled before any clock starts
    return await body(h);
  } finally {
    await h.close();
  }
}

function allDone(results: Array<{ status: string }>, what: string): void {
  const bad = results.filter((r) => r.status !== 'done').length;
  if (bad) throw new Error(`${what}: ${bad} operations did not succeed`);
}

const inNs = (run: (netns: string) => Promise<Sample> | Sample) => () => inFreshNamespace(async (netns) => run(netns));

/** What W1 and W2 (and W7) do with rules or routes: the same add+del in every method. */
interface AddDelWork {
  noun: 'rules' | 'routes';
  /** Queues object i's add, and its delete, on a batch. */
  add: (b: Batch, i: number) => void;
  del: (b: Batch, i: number) => void;
  /** The same as `ip` commands. */
  lines: (n: number) => string[];
  /** nlraw's arguments after the mode and count. */
  rawArgs: string[];
}

const RULE_WORK: AddDelWork = {
  noun: 'rules',
  add: (b, i) => b.rules.add(ruleOf(i)),
  del: (b, i) => b.rules.delete(ruleOf(i)),
  lines: (n) => ruleLines(n),
  rawArgs: [],
};

const ROUTE_WORK: AddDelWork = {
  noun: 'routes',
  add: (b, i) => b.routes.add(routeOf(i)),
  del: (b, i) => b.routes.delete(routeKeyOf(i)),
  lines: (n) => routeLines(n),
  rawArgs: [`gw=${GATEWAY}`],
};

const RAW_MODES: Array<[string, string]> = [
  ['pipe', 'pipelined'],
  ['sync', 'sync'],
  ['noack', 'ACK-last'],
];

function addDelMethods(work: AddDelWork, n: number, s: Sizes, raw: RawClient | undefined): Method[] {
  const methods: Method[] = [
    {
      name: 'nlroute batch',
      kind: 'nlroute',
      run: inNs((netns) =>
        withHandle(netns, (h) =>
          timed(2 * n, async () => {
            const adds = h.batch();
            for (let i = 0; i < n; i++) work.add(adds, i);
            allDone(await adds.commit(), `${work.noun}: adds`);
            const dels = h.batch();
            for (let i = 0; i < n; i++) work.del(dels, i);
            allDone(await dels.commit(), `${work.noun}: deletes`);
          }),
        ),
      ),
    },
  ];
  for (const [mode, name] of raw ? RAW_MODES : []) {
    methods.push({
      name: `raw C ${name}`,
      kind: 'raw',
      run: inNs((netns) => raw!.run(netns, [work.noun, mode, String(n), ...work.rawArgs], 'total')),
    });
  }
  methods.push(
    // The CLI reads the same file as ip -batch, node's start-up included.
    { name: 'nlroute CLI -batch', kind: 'cli', run: inNs((netns) => timedChildren(2 * n, () => nlrouteBatch(netns, work.lines(n)))) },
    {
      name: 'nlroute CLI -batch -force',
      kind: 'cli',
      run: inNs((netns) => timedChildren(2 * n, () => nlrouteBatch(netns, work.lines(n), true))),
    },
    { name: 'ip -batch', kind: 'ip-batch', run: inNs((netns) => timedChildren(2 * n, () => ipBatch(netns, work.lines(n)))) },
    {
      name: 'ip -batch -force',
      kind: 'ip-batch',
      run: inNs((netns) => timedChildren(2 * n, () => ipBatch(netns, work.lines(n), { force: true }))),
    },
    {
      name: 'ip per operation',
      kind: 'ip',
      note: `sampled: ${s.ipSample} ${work.noun}`,
      run: inNs((netns) => timedChildren(2 * s.ipSample, () => ipEach(netns, work.lines(s.ipSample)))),
    },
  );
  return methods;
}

/** W3: a table filled once per run; each method lists it. */
function dumpMethods(n: number, raw: RawClient | undefined, allTables: boolean): Method[] {
  const filled = (measure: (netns: string, h: Handle) => Promise<Sample> | Sample) =>
    inNs((netns) =>
      withHandle(netns, async (h) => {
        const adds = h.batch();
        for (let i = 0; i < n; i++) adds.routes.add({ ...routeOf(i), table: 100 });
        allDone(await adds.commit(), 'filling table 100');
        try {
          return await measure(netns, h);
        } finally {
          await h.routes.flush({ table: 100 });
        }
      }),
    );
  const methods: Method[] = [
    {
      name: 'nlroute list()',
      kind: 'nlroute',
      run: filled((_netns, h) =>
        timed(n, async () => {
          const listed = await h.routes.list(allTables ? { table: 'all', family: 4 } : { table: 100, family: 4 });
          if (listed.length < n) throw new Error(`list() returned ${listed.length} routes`);
        }),
      ),
    },
  ];
  if (raw) {
    methods.push({
      name: 'raw C dump',
      kind: 'raw',
      run: filled((netns) => raw.run(netns, ['dump', allTables ? 'all' : '100', 'strict=1'], 'dump')),
    });
  }
  methods.push({
    name: 'ip route show',
    kind: 'ip',
    run: filled((netns) =>
      timedChildren(n, () => {
        execFileSync('ip', ['-n', netns, 'route', 'show', 'table', allTables ? 'all' : '100'], { maxBuffer: 1 << 28 });
      }),
    ),
  });
  return methods;
}

/**
 * A cold cell: each run is a fresh node process (scripts/bench/cold-worker.ts) timing
 * its first `kind` work of `n`, the way an agent's first resync after a restart goes.
 */
function coldMethod(name: string, kind: 'awaited' | 'promise-all', n: number): Method {
  const worker = path.join(__dirname, 'cold-worker.js');
  return {
    name,
    kind: 'nlroute',
    cold: true,
    run: inNs((netns) => {
      const out = execFileSync(process.execPath, [worker, netns, kind, String(n)], { encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').at(-1)!) as Sample;
    }),
  };
}

/** W2's work as single calls: a Promise.all of the adds, then one of the deletes. */
function promiseAllMethod(n: number): Method {
  return {
    name: 'nlroute Promise.all',
    kind: 'nlroute',
    run: inNs((netns) => withHandle(netns, (h) => timed(2 * n, () => promiseAllAddsThenDeletes(h, n)))),
  };
}

function latencyMethods(pairs: number, raw: RawClient | undefined): Method[] {
  const methods: Method[] = [
    {
      name: 'nlroute awaited',
      kind: 'nlroute',
      run: inNs((netns) =>
        withHandle(netns, async (h) => {
          await awaitedPairs(h, 500); // until the JIT has compiled the call path
          return timedWithLoopDelay(2 * pairs, () => awaitedPairs(h, pairs));
        }),
      ),
    },
  ];
  if (raw) methods.push({ name: 'raw C sync', kind: 'raw', run: inNs((netns) => raw.run(netns, ['latency', String(pairs)], 'add+del')) });
  const pair = ruleLines(1); // the same add and delete, over and over
  const lines = Array.from({ length: pairs }, () => pair).flat();
  methods.push({ name: 'ip -batch', kind: 'ip-batch', run: inNs((netns) => timedChildren(2 * pairs, () => ipBatch(netns, lines))) });
  return methods;
}

function coalescedMethods(n: number, raw: RawClient | undefined): Method[] {
  const methods: Method[] = [
    {
      name: 'nlroute Promise.all',
      kind: 'nlroute',
      run: inNs((netns) =>
        withHandle(netns, async (h) => {
          const sample = await timed(n, async () => {
            await Promise.all(Array.from({ length: n }, (_, i) => h.routes.add(routeOf(i))));
          });
          await h.routes.flush({ table: TABLE });
          return sample;
        }),
      ),
    },
  ];
  if (raw) {
    methods.push({
      name: 'raw C pipelined',
      kind: 'raw',
      run: inNs((netns) => {
        const sample = raw.run(netns, ['routes', 'pipe', String(n), `gw=${GATEWAY}`, 'phase=add'], 'add');
        execFileSync('ip', ['-n', netns, 'route', 'flush', 'table', String(TABLE)]);
        return sample;
      }),
    });
  }
  methods.push({
    name: 'ip -batch',
    kind: 'ip-batch',
    run: inNs((netns) => {
      const sample = timedChildren(n, () => ipBatch(netns, routeLines(n, 'add')));
      execFileSync('ip', ['-n', netns, 'route', 'flush', 'table', String(TABLE)]);
      return sample;
    }),
  });
  return methods;
}

function openMethods(n: number): Method[] {
  return [
    {
      name: 'nlroute open',
      kind: 'nlroute',
      run: inNs(async (netns) => {
        // Only the opens are timed; each handle is closed outside the clock.
        let opening = 0;
        const cpu = process.cpuUsage();
        for (let i = 0; i < n; i++) {
          const start = process.hrtime.bigint();
          const h = await open({ netns });
          opening += Number(process.hrtime.bigint() - start) / 1e6;
          await h.close();
        }
        const used = process.cpuUsage(cpu);
        return { wallMs: opening, userMs: used.user / 1000, sysMs: used.system / 1000, ops: n };
      }),
    },
    {
      name: 'nlroute open + close',
      kind: 'nlroute',
      run: inNs((netns) =>
        timed(n, async () => {
          for (let i = 0; i < n; i++) await (await open({ netns })).close();
        }),
      ),
    },
  ];
}

/** W8: the storm's associate and disassociate bursts on a fresh node per run. */
function stormMethods(shape: Sizes['storm'], raw: RawClient | undefined): Method[] {
  const withNode =
    (measure: (t: ReturnType<typeof buildTopology>, fips: FloatingIp[], node: DvrNode) => Promise<Sample> | Sample) => async () => {
      const t = buildTopology({ name: 'bench', routers: shape.routers, fipsPerRouter: shape.fipsPerRouter, subnets: 1 }, 'nlr-w8');
      const node = await DvrNode.open({ external: t.external, routers: t.routers, random: seededRandom(8) });
      try {
        await node.setupRouters(t.routers);
        const fips = t.routers.flatMap((r, i) =>
          t.fixedIps
            .get(r.id)!
            .slice(0, shape.fipsPerRouter)
            .map((fixedIp, k) => ({ floatingIp: t.floatingIp(i * shape.fipsPerRouter + k), fixedIp, routerId: r.id })),
        );
        // Associated and disassociated again: every namespace must be as it was after setup.
        const state = () =>
          [t.external.namespace, ...t.routers.map((r) => r.namespace)]
            .map(
              (ns) =>
                execFileSync('ip', ['-n', ns, '-4', 'rule', 'show'], { encoding: 'utf8' }) +
                execFileSync('ip', ['-n', ns, '-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
            )
            .join('\n');
        const initial = state();
        const sample = await measure(t, fips, node);
        if (state() !== initial) throw new Error('W8: the node was not left as it was found');
        return sample;
      } finally {
        await node.close();
        t.destroy();
      }
    };
  const methods: Method[] = [
    {
      name: 'nlroute DvrNode',
      kind: 'nlroute',
      run: withNode((_t, fips, node) =>
        timed(4 * fips.length, async () => {
          if ((await node.associate(fips)).some((r) => !r.ok)) throw new Error('associate failed');
          if ((await node.disassociate(fips)).some((r) => !r.ok)) throw new Error('disassociate failed');
        }),
      ),
    },
  ];
  if (raw) {
    // The same writes, per namespace: nlraw adds and deletes K rules in each qrouter
    // and each router's K /32 routes (via its rfp-, dev fpr-) in the fip namespace.
    methods.push({
      name: 'raw C pipelined',
      kind: 'raw',
      run: withNode((t) => {
        let wallMs = 0,
          userMs = 0,
          sysMs = 0,
          ops = 0;
        const add = (s: Sample) => {
          wallMs += s.wallMs;
          userMs += s.userMs ?? 0;
          sysMs += s.sysMs ?? 0;
          ops += s.ops;
        };
        for (const [i, r] of t.routers.entries()) {
          add(
            raw.run(
              r.namespace,
              ['rules', 'pipe', String(shape.fipsPerRouter), `table=${FIP_TABLE}`, `pref0=${32768 + i * shape.fipsPerRouter}`],
              'total',
            ),
          );
          add(
            raw.run(
              t.external.namespace,
              [
                'routes',
                'pipe',
                String(shape.fipsPerRouter),
                'table=254',
                `dev=${deviceName('fpr-', r.id)}`,
                `gw=${linkLocalPair(r.linkLocalIndex).rfp}`,
                `base=${i * shape.fipsPerRouter}`,
              ],
              'total',
            ),
          );
        }
        return { wallMs, userMs, sysMs, ops };
      }),
    });
  }
  methods.push({
    name: 'ip -batch (one per namespace)',
    kind: 'ip-batch',
    run: withNode((t, fips) => {
      const priorities = new Map<FloatingIp, number>();
      let p = 32768;
      for (const f of fips) priorities.set(f, p++);
      const byNs = (associate: boolean) => {
        const lines = new Map<string, string[]>();
        const put = (ns: string, line: string) => pushTo(lines, ns, line);
        for (const f of fips) {
          const r = t.routers.find((x) => x.id === f.routerId)!;
          const rfp = linkLocalPair(r.linkLocalIndex).rfp;
          put(r.namespace, `rule ${associate ? 'add' : 'del'} from ${f.fixedIp} table ${FIP_TABLE} priority ${priorities.get(f)}`);
          put(
            t.external.namespace,
            associate
              ? `route replace ${f.floatingIp}/32 via ${rfp} dev ${deviceName('fpr-', r.id)} proto static`
              : `route del ${f.floatingIp}/32 via ${rfp}`,
          );
        }
        return lines;
      };
      return timedChildren(4 * fips.length, () => {
        for (const [ns, lines] of byNs(true)) ipBatch(ns, lines);
        for (const [ns, lines] of byNs(false)) ipBatch(ns, lines);
      });
    }),
  });
  return methods;
}

/**
 * W9: one `route show` in a fresh process each time, as a script or an operator runs
 * `ip`: start-up included. `node -e 0` beside it is the floor any node program pays.
 * NODE_EXTRA_CA_CERTS, which makes every node process read a certificate file first, is
 * left out of both node commands' environment.
 */
function commandMethods(n: number): Method[] {
  const bin = path.join(__dirname, '..', '..', '..', 'bin', 'nlroute.js');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const processes = (command: string, args: string[]) => () => {
    for (let i = 0; i < n; i++) {
      const r = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    }
  };
  // 100 routes in table 16 to print, added by ip -batch before the timing starts.
  const withRoutes = (measure: (netns: string) => Sample) =>
    inNs((netns) => {
      ipBatch(netns, routeLines(100, 'add'));
      try {
        return measure(netns);
      } finally {
        ipBatch(netns, routeLines(100, 'del'));
      }
    });
  return [
    {
      name: 'nlroute route show',
      kind: 'cli',
      run: withRoutes((netns) =>
        timedChildren(n, processes(process.execPath, [bin, '-n', netns, 'route', 'show', 'table', String(TABLE)])),
      ),
    },
    {
      name: 'ip route show',
      kind: 'ip',
      run: withRoutes((netns) => timedChildren(n, processes('ip', ['-n', netns, 'route', 'show', 'table', String(TABLE)]))),
    },
    { name: 'node -e 0', kind: 'floor', run: withRoutes(() => timedChildren(n, processes(process.execPath, ['-e', '0']))) },
  ];
}

/** The Python that has Debian's python3-pyroute2, if any (the harness never installs it). */
export function pyroute2Python(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pyroute2'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

/** pyroute2, one IPRoute call per operation (scripts/bench/pyroute2-worker.py), for W1 and W2. */
function pyroute2Method(kind: 'rules' | 'routes', n: number, python: string | undefined): Method[] {
  if (!python) return [];
  const worker = path.join(__dirname, '..', '..', '..', 'scripts', 'bench', 'pyroute2-worker.py');
  return [
    {
      name: 'pyroute2 per operation',
      kind: 'peer',
      run: inNs((netns) => {
        const out = execFileSync('ip', ['netns', 'exec', netns, python, worker, kind, String(n)], { encoding: 'utf8' });
        const r = JSON.parse(out.trim().split('\n').at(-1)!) as { wall_s: number; user_s: number; sys_s: number; ops: number };
        return { wallMs: r.wall_s * 1000, userMs: r.user_s * 1000, sysMs: r.sys_s * 1000, ops: r.ops };
      }),
    },
  ];
}

/** W1's and W2's: the command as a whole process, start-up included, against iproute2's. */
const CLI_BATCH_TARGET: Target = { method: 'nlroute CLI -batch', reference: 'ip -batch', ratio: 1, text: 'CLI -batch ≤ 1.0× ip -batch' };

export function workloads(s: Sizes, raw: RawClient | undefined): Workload[] {
  const python = pyroute2Python();
  const list: Workload[] = [
    {
      id: 'W1',
      title: `${s.rules} rules add + del`,
      methods: [...addDelMethods(RULE_WORK, s.rules, s, raw), ...pyroute2Method('rules', s.rules, python)],
      reference: 'raw C pipelined',
      targets: [{ method: 'nlroute batch', reference: 'raw C pipelined', ratio: 1.1, text: '≤ 1.1× raw pipelined' }, CLI_BATCH_TARGET],
      notes: [],
    },
    {
      id: 'W2',
      title: `${s.routes} routes add + del`,
      methods: [
        ...addDelMethods(ROUTE_WORK, s.routes, s, raw),
        promiseAllMethod(s.routes),
        coldMethod('nlroute Promise.all, cold', 'promise-all', s.routes),
        ...pyroute2Method('routes', s.routes, python),
      ],
      reference: 'raw C pipelined',
      targets: [
        { method: 'nlroute batch', reference: 'raw C pipelined', ratio: 1.25, text: '≤ 1.25× raw pipelined' },
        // The stricter goal: as fast as a client that asks only its last request for an ACK.
        { method: 'nlroute batch', reference: 'raw C ACK-last', ratio: 1.25, text: '≤ 1.25× raw ACK-last' },
        { method: 'nlroute Promise.all', reference: 'raw C pipelined', ratio: 1.3, text: 'Promise.all ≤ 1.3× raw pipelined' },
        { method: 'nlroute Promise.all, cold', reference: 'raw C pipelined', ratio: 2, text: 'Promise.all, cold ≤ 2× raw pipelined' },
        CLI_BATCH_TARGET,
      ],
      notes: ["nlroute Promise.all, cold: each run a fresh process's first Promise.all of the adds, then of the deletes"],
    },
    {
      id: 'W3',
      title: `dump a ${s.dump}-route table into objects`,
      methods: dumpMethods(s.dump, raw, false),
      reference: 'raw C dump',
      targets: [
        { method: 'nlroute list()', reference: 'raw C dump', ratio: 3, text: '≤ 3× the raw C decode' },
        // The stricter goal of the speed issue (16).
        { method: 'nlroute list()', reference: 'raw C dump', ratio: 1.5, text: '≤ 1.5× the raw C decode' },
        { method: 'nlroute list()', reference: 'ip route show', ratio: 1 / 3, text: '≥ 3× faster than ip route show' },
      ],
      notes: [],
    },
    {
      id: 'W3a',
      title: `dump all tables (${s.dump} routes + the kernel's)`,
      methods: dumpMethods(s.dump, raw, true),
      reference: 'raw C dump',
      targets: [],
      notes: [],
    },
    {
      id: 'W4',
      title: `${s.pairs} × (rule add; rule del), each awaited`,
      methods: [...latencyMethods(s.pairs, raw), coldMethod('nlroute awaited, cold', 'awaited', s.pairs)],
      reference: 'raw C sync',
      targets: [
        { method: 'nlroute awaited', reference: 'raw C sync', ratio: 3, text: '≤ 3× raw sync per op' },
        { method: 'nlroute awaited, cold', reference: 'raw C sync', ratio: 5, text: 'cold ≤ 5× raw sync per op' },
      ],
      notes: ["nlroute awaited, cold: each run a fresh process's first pairs"],
    },
    {
      id: 'W5',
      title: `Promise.all of ${s.routes} single route adds`,
      methods: coalescedMethods(s.routes, raw),
      reference: 'raw C pipelined',
      targets: [{ method: 'nlroute Promise.all', reference: 'raw C pipelined', ratio: 1.5, text: '≤ 1.5× raw pipelined' }],
      notes: [],
    },
    {
      id: 'W6',
      title: `open + close a handle in a named namespace (${s.opens} times)`,
      methods: openMethods(s.opens),
      targets: [{ method: 'nlroute open', maxMicros: 200, text: '≤ 0.2 ms per open' }],
      notes: ['nlroute open: the CPU columns cover the closes too (they are not separable); the wall time is the opens alone'],
    },
  ];
  for (const n of s.growth) {
    list.push({
      id: `W7/${n}`,
      title: `rules growth: ${n} rules add + del`,
      methods: addDelMethods(RULE_WORK, n, s, raw).filter((m) => m.name === 'nlroute batch' || m.name === 'raw C pipelined'),
      reference: 'raw C pipelined',
      targets: n <= 1000 ? [{ method: 'nlroute batch', reference: 'raw C pipelined', ratio: 1.3, text: '≤ 1.3× raw (1k rules)' }] : [],
      notes: [],
    });
  }
  list.push({
    id: 'W9',
    title: `one command, a process each: route show of 100 routes (${s.commands} processes)`,
    methods: commandMethods(s.commands),
    targets: [{ method: 'nlroute route show', reference: 'node -e 0', maxCpuAboveMs: 15, text: '≤ 15 ms CPU above node -e 0' }],
    notes: ["CPU is the processes' own (user + sys), counted by the kernel in 10 ms ticks: compare medians over many processes"],
  });
  list.push({
    id: 'W10',
    title: `notifications: ${s.notifications} route adds by ip -batch, every one delivered to a watcher`,
    methods: notificationMethods(s.notifications),
    reference: 'ip monitor route',
    targets: [],
    notes: ["wall: from the batch's start to the last add seen (ip -batch is the pace); CPU: the watcher's own, per event"],
  });
  list.push({
    id: 'W8',
    title: `FIP storm bursts: ${s.storm.routers} routers × ${s.storm.fipsPerRouter} floating IPs associated and disassociated`,
    methods: stormMethods(s.storm, raw),
    reference: 'raw C pipelined',
    targets: [{ method: 'nlroute DvrNode', reference: 'raw C pipelined', ratio: 1.3, text: '≤ 1.3× raw' }],
    notes: ['raw C: nlraw per namespace, one process after another, its own timers summed (start-up not counted)'],
  });
  return list;
}

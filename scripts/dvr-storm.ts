// The FIP storm: a DVR compute node built in scratch namespaces, then the floating-IP
// work an L3 agent does, phase by phase, each timed, checked, and compared with the
// same work done by `ip` (one process per change, sampled) and `ip -batch`.
//   npm run storm [-- PROFILE] [--seed N]     PROFILE: smoke (default), typical, stress,
//                                             prio-pool-limit, hot-router, dual-stack
import {
  DvrNode,
  deviceName,
  FIP_PRIORITY_END,
  FIP_PRIORITY_START,
  FIP_TABLE,
  linkLocalPair,
  PriorityPoolExhaustedError,
  routerTable,
  seededRandom,
  type FloatingIp,
} from '../lib/dvr';
import { addressScopeRoutes, routerState } from '../lib/dvr/router-state';
import { NodeChecker } from './dvr-verify';
import { buildTopology, PROFILES, type Topology } from './dvr-topology';
import { ipBatch, ipIn } from './ip-commands';
import { Progress, progressWanted } from './progress';
import { pushTo } from './push-to';

const USAGE = `usage: npm run storm -- [PROFILE] [--seed N] [--progress | --no-progress]

Builds a DVR compute node in scratch namespaces, runs a floating-IP storm on it phase by
phase (each checked by its own dumps and route lookups, each timed beside ip and ip -batch),
prints the table, and deletes every namespace. Needs root.

PROFILE (default smoke):
${Object.values(PROFILES)
  .map(
    (p) =>
      `  ${p.name.padEnd(16)} ${p.routers} routers x ${p.fipsPerRouter} floating IPs, ${p.subnets} subnet(s)` +
      `${p.ipv6 ? ', IPv6' : ''}${p.extraRoutes ? ', extra routes' : ''}${p.addressScopes ? ', address scopes' : ''}` +
      `${(p.externals ?? 1) > 1 ? `, ${p.externals} external networks` : ''}`,
  )
  .join('\n')}

Options:
  --seed N         the seed of every random choice (default 42): the same seed replays the same storm
  --progress       a status line (phase, count, elapsed) on stderr; the default on a terminal,
                   one plain line per step in a pipe
  --no-progress    no status line, also on a terminal
  -h, --help       this text
`;

/** The command line: one profile name, --seed N, --progress, --help; anything else is an error. */
function readArguments(args: string[]): { profileName: string; seed: number; help: boolean } {
  let profileName: string | undefined;
  let seed = 42;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') help = true;
    else if (a === '--progress' || a === '--no-progress')
      continue; // read by progressWanted()
    else if (a === '--seed') {
      seed = Number(args[++i]);
      if (!Number.isInteger(seed)) throw new Error(`--seed takes an integer (got ${args[i]})\n\n${USAGE}`);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n\n${USAGE}`);
    else if (profileName === undefined) profileName = a;
    else throw new Error(`one profile at a time (got ${profileName} and ${a})\n\n${USAGE}`);
  }
  return { profileName: profileName ?? 'smoke', seed, help };
}

const { profileName, seed, help } = (() => {
  try {
    return readArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}`);
    return process.exit(2);
  }
})();
// Own names only: a profile called `toString` is no profile.
const profile = PROFILES[profileName];
const progress = new Progress(progressWanted(process.argv.slice(2)));
const IP_SAMPLE = 20; // floating IPs done by one `ip` process per change

interface PhaseRow {
  phase: string;
  ops: number;
  ms: number;
  ip?: number; // ms per op, one process per change
  ipBatch?: number; // ms for the same ops
  note?: string;
}
const rows: PhaseRow[] = [];

function now(): bigint {
  return process.hrtime.bigint();
}
function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function checked(checker: NodeChecker, node: DvrNode | Map<FloatingIp, number>, fips: FloatingIp[], phase: string): Promise<void> {
  const priorityOf = node instanceof Map ? (f: FloatingIp) => node.get(f) : (f: FloatingIp) => node.priorityOf(f);
  const problems = await checker.check(priorityOf, fips);
  if (problems.length) throw new Error(`after ${phase}:\n  ${problems.slice(0, 10).join('\n  ')}`);
}

function failuresOf(results: Array<{ ok: boolean; floatingIp: string }>, phase: string): void {
  const failed = results.filter((r) => !r.ok);
  if (failed.length) throw new Error(`${phase}: ${failed.length} floating IPs failed, first ${JSON.stringify(failed[0])}`);
}

// The same operations as `ip` commands, per namespace: what a forking agent runs.
function ipCommands(t: Topology, priorities: Map<FloatingIp, number>, fips: FloatingIp[], associate: boolean): Map<string, string[]> {
  const byNs = new Map<string, string[]>();
  const add = (ns: string, line: string) => pushTo(byNs, ns, line);
  const routers = new Map(t.routers.map((r) => [r.id, r]));
  for (const f of fips) {
    const r = routers.get(f.routerId)!;
    const p = priorities.get(f);
    const rule = `rule ${associate ? 'add' : 'del'} from ${f.fixedIp} table ${FIP_TABLE} priority ${p}`;
    const route = associate
      ? `route replace ${f.floatingIp}/32 via ${linkLocalPair(r.linkLocalIndex).rfp} dev ${deviceName('fpr-', r.id)} proto static`
      : `route del ${f.floatingIp}/32 via ${linkLocalPair(r.linkLocalIndex).rfp}`;
    add(r.namespace, rule);
    add(t.fipOf(r).namespace, route);
  }
  return byNs;
}

function runIpBatch(commands: Map<string, string[]>): number {
  const start = now();
  for (const [ns, lines] of commands) {
    ipBatch(ns, lines);
  }
  return since(start);
}

function runIpEach(commands: Map<string, string[]>): { ms: number; ops: number } {
  let ops = 0;
  const start = now();
  for (const [ns, lines] of commands) {
    for (const line of lines) {
      ipIn(ns, line);
      ops++;
    }
  }
  return { ms: since(start), ops };
}

async function storm(t: Topology): Promise<void> {
  const random = seededRandom(seed);
  const node = await DvrNode.open({ ...t.networks, routers: t.routers, random });
  const checker = new NodeChecker(t);
  try {
    progress.update('router setup');
    let start = now();
    await node.setupRouters(t.routers);
    // Objects written: every scope's desired objects, the address-scope routes and the router rule.
    const setupOps = t.routers.reduce(
      (n, r) =>
        n +
        1 +
        addressScopeRoutes(r).length +
        routerState(r, t.externals[t.fipOf(r).index], '02:00:00:00:00:00').reduce((k, state) => k + state.desired.length, 0),
      0,
    );
    rows.push({ phase: 'router setup', ops: setupOps, ms: since(start) });

    // Every router's first K fixed IPs get floating IPs.
    const fips: FloatingIp[] = [];
    for (const r of t.routers) {
      for (const fixedIp of t.fixedIps.get(r.id)!.slice(0, profile.fipsPerRouter)) {
        fips.push({ floatingIp: t.floatingIp(fips.length), fixedIp, routerId: r.id });
      }
    }

    progress.update(`associate burst (${fips.length} floating IPs)`);
    start = now();
    failuresOf(await node.associate(fips), 'associate burst');
    const associateMs = since(start);
    await checked(checker, node, fips, 'associate burst');
    if (fips.length >= FIP_PRIORITY_END - FIP_PRIORITY_START) {
      // The pool is full: one more floating IP must be refused, clearly, and change nothing.
      const r = t.routers[0];
      const [extra] = await node.associate([
        { floatingIp: t.floatingIp(fips.length), fixedIp: t.fixedIps.get(r.id)!.at(-1)!, routerId: r.id },
      ]);
      if (extra.ok || !(extra.error instanceof PriorityPoolExhaustedError)) throw new Error('a full priority pool did not refuse');
      process.stderr.write(`  the ${fips.length + 1}th floating IP was refused: ${extra.error.message}\n`);
      await checked(checker, node, fips, 'a refused associate');
    }

    progress.update('disassociate burst');
    start = now();
    failuresOf(await node.disassociate(fips), 'disassociate burst');
    const disassociateMs = since(start);
    await checked(checker, node, [], 'disassociate burst');

    // The same two bursts by ip -batch (one process per namespace), then by one ip
    // process per change on a sample; priorities as nlroute allocated them.
    progress.update('the same bursts by ip -batch and by one ip per change');
    failuresOf(await node.associate(fips), 're-associate');
    const given = new Map(fips.map((f) => [f, node.priorityOf(f)!]));
    const assocCommands = ipCommands(t, given, fips, true);
    const disCommands = ipCommands(t, given, fips, false);
    failuresOf(await node.disassociate(fips), 're-disassociate');
    const batchAssociate = runIpBatch(assocCommands);
    await checked(checker, given, fips, 'ip -batch associate');
    const batchDisassociate = runIpBatch(disCommands);
    await checked(checker, given, [], 'ip -batch disassociate');
    const sample = fips.slice(0, IP_SAMPLE);
    const eachAssociate = runIpEach(ipCommands(t, given, sample, true));
    const eachDisassociate = runIpEach(ipCommands(t, given, sample, false));
    rows.push({
      phase: 'associate burst',
      ops: 2 * fips.length,
      ms: associateMs,
      ipBatch: batchAssociate,
      ip: eachAssociate.ms / eachAssociate.ops,
    });
    rows.push({
      phase: 'disassociate burst',
      ops: 2 * fips.length,
      ms: disassociateMs,
      ipBatch: batchDisassociate,
      ip: eachDisassociate.ms / eachDisassociate.ops,
    });

    // Churn: seeded associate / disassociate / move / cross-router move, one at a time.
    failuresOf(await node.associate(fips), 'associate before churn');
    start = now();
    const { current, churnOps, churnWrites, refused } = await churn(t, node, fips, random);
    rows.push({
      phase: `churn (${churnOps} changes, each awaited)`,
      ops: churnWrites,
      ms: since(start),
      note: refused ? `${refused} associates refused: the priority pool is full` : undefined,
    });
    await checked(checker, node, current, 'churn');

    // Resync after injected drift, made behind the node's back by ip -batch.
    for (const drift of [0, 0.01, 0.1]) {
      progress.update(`resync, ${drift * 100}% drift`);
      const repaired = injectDrift(t, node, current, drift, random);
      start = now();
      const report = await node.resync({ routers: t.routers, fips: current });
      const ms = since(start);
      if (report.failures.length) throw new Error(`resync: ${report.failures[0].message}`);
      await checked(checker, node, current, `resync at ${drift * 100}% drift`);
      const again = await node.resync({ routers: t.routers, fips: current });
      if (again.added || again.removed) throw new Error(`a second resync changed ${again.added + again.removed} objects`);
      rows.push({
        phase: `resync, ${drift * 100}% drift`,
        ops: report.added + report.removed,
        ms,
        note: `${repaired} drifted objects; ${report.added} added, ${report.removed} removed; a second resync changed nothing`,
      });
    }

    progress.update('drift while watching');
    await driftWhileWatching(t, node, current, checker, random);

    progress.update('resync after field faults');
    await fieldFaults(t, node, current, checker);

    progress.update('router teardown');
    failuresOf(await node.disassociate(current), 'final disassociate');
    start = now();
    await node.teardownRouters(t.routers);
    rows.push({ phase: 'router teardown', ops: setupOps, ms: since(start) });
    const left = await checker.leftovers();
    if (left.length) throw new Error(`after teardown:\n  ${left.slice(0, 10).join('\n  ')}`);
  } finally {
    progress.end();
    await checker.close();
    await node.close();
  }
}

/**
 * Churn: seeded associate / disassociate / move / cross-router move, one awaited call at
 * a time, as an agent's steady state looks. Returns the floating IPs associated after it.
 */
async function churn(t: Topology, node: DvrNode, fips: FloatingIp[], random: () => number) {
  const current = [...fips];
  const churnOps = Math.min(1000, Math.max(100, fips.length));
  let churnWrites = 0;
  let refused = 0;
  let next = fips.length;
  for (let i = 0; i < churnOps; i++) {
    progress.update('churn', i, churnOps);
    const roll = random();
    if (roll < 0.4 || current.length === 0) {
      const r = t.routers[Math.floor(random() * t.routers.length)];
      const used = new Set(current.filter((f) => f.routerId === r.id).map((f) => f.fixedIp));
      const free = t.fixedIps.get(r.id)!.filter((x) => !used.has(x));
      if (!free.length) continue;
      const f = { floatingIp: t.floatingIp(next++), fixedIp: free[Math.floor(random() * free.length)], routerId: r.id };
      const [result] = await node.associate([f]);
      if (!result.ok && result.error instanceof PriorityPoolExhaustedError) {
        refused++; // a full pool refuses, as Neutron's does; nothing was written
        continue;
      }
      failuresOf([result], 'churn associate');
      current.push(f);
      churnWrites += 2;
    } else if (roll < 0.8) {
      const f = current.splice(Math.floor(random() * current.length), 1)[0];
      failuresOf(await node.disassociate([f]), 'churn disassociate');
      churnWrites += 2;
    } else if (roll < 0.95) {
      const k = Math.floor(random() * current.length);
      const f = current[k];
      const used = new Set(current.filter((x) => x.routerId === f.routerId).map((x) => x.fixedIp));
      const free = t.fixedIps.get(f.routerId)!.filter((x) => !used.has(x));
      if (!free.length) continue;
      const fixedIp = free[Math.floor(random() * free.length)];
      failuresOf(await node.move([{ fip: f, fixedIp }]), 'churn move');
      current[k] = { ...f, fixedIp };
      churnWrites += 2;
    } else {
      const k = Math.floor(random() * current.length);
      const f = current[k];
      const r = t.routers[Math.floor(random() * t.routers.length)];
      const used = new Set(current.filter((x) => x.routerId === r.id).map((x) => x.fixedIp));
      const free = t.fixedIps.get(r.id)!.filter((x) => !used.has(x));
      if (!free.length || r.id === f.routerId) continue;
      failuresOf(await node.disassociate([f]), 'churn cross-router move (out)');
      const moved = { floatingIp: f.floatingIp, fixedIp: free[Math.floor(random() * free.length)], routerId: r.id };
      failuresOf(await node.associate([moved]), 'churn cross-router move (in)');
      current[k] = moved;
      churnWrites += 4;
    }
  }
  progress.update('churn', churnOps, churnOps);
  return { current, churnOps, churnWrites, refused };
}

/**
 * What a real compute node adds to drift, then one resync: the agent's own objects beside
 * the node's (which must survive), a router's rfp-/fpr- veth deleted and made again
 * (its /32s and table-16 default vanish with it), a rule at another router's priority,
 * and a router deleted while the agent was down (left out of the desired set, then set
 * up again). Every kind is checked, and a second resync must change nothing.
 */
async function fieldFaults(t: Topology, node: DvrNode, current: FloatingIp[], checker: NodeChecker): Promise<void> {
  const [lost, other, dropped] = [t.routers[0], t.routers[1 % t.routers.length], t.routers[t.routers.length - 1]];
  const fipNs = t.fipOf(lost).namespace;
  const table = (r: typeof lost) => routerTable(linkLocalPair(r.linkLocalIndex).fpr);
  // The lost router's veth, deleted and made again (a re-plugged port).
  const [rfp, fpr] = [deviceName('rfp-', lost.id), deviceName('fpr-', lost.id)];
  const pair = linkLocalPair(lost.linkLocalIndex);
  ipIn(lost.namespace, `link del ${rfp}`);
  ipIn(lost.namespace, `link add ${rfp} type veth peer name ${fpr} netns ${fipNs}`);
  ipIn(lost.namespace, `addr add ${pair.rfp}/31 dev ${rfp}`);
  ipIn(lost.namespace, `link set ${rfp} up`);
  ipIn(fipNs, `addr add ${pair.fpr}/31 dev ${fpr}`);
  ipIn(fipNs, `link set ${fpr} up`);
  // Kinds the node never writes (an on-link external subnet, the off-subnet gateway, an
  // NDP-proxy route) and, for a router not given extraRoutes, its extra routes.
  const coResident = [
    [fipNs, 'route add 198.51.100.0/24 dev fg-ext proto static scope link'],
    [fipNs, 'route add 192.0.2.1/32 dev fg-ext proto static scope link'],
    [fipNs, `-6 route add 2001:db8:1::5/128 via fe80::1 dev ${deviceName('fpr-', lost.id)} proto static`],
    ...(lost.extraRoutes === undefined
      ? [
          [fipNs, `route add 10.200.0.0/16 via ${t.external.gateway} dev fg-ext table ${table(lost)} proto boot`],
          [lost.namespace, `route add 172.16.9.0/24 via ${lost.subnets[0].snatAddress} proto static`],
        ]
      : []),
  ];
  for (const [ns, line] of coResident) ipIn(ns, line);
  const witness = () =>
    [
      ipIn(fipNs, 'route show proto static dev fg-ext'),
      ipIn(fipNs, `route show table ${table(lost)} proto boot`),
      ipIn(fipNs, '-6 route show proto static'),
      ipIn(lost.namespace, 'route show proto static'),
    ].join('');
  const before = witness();

  // A rule in another router at a priority a floating IP of the lost router holds.
  const victim = current.find((f) => f.routerId === lost.id);
  if (victim && other.id !== lost.id) {
    ipIn(other.namespace, `rule add from ${t.fixedIps.get(other.id)!.at(-1)} table ${FIP_TABLE} priority ${node.priorityOf(victim)}`);
  }
  // A router deleted while the agent was down: not in the desired set.
  const kept = t.routers.length > 1 ? t.routers.filter((r) => r.id !== dropped.id) : t.routers;
  const keptFips = current.filter((f) => kept.some((r) => r.id === f.routerId));

  const start = now();
  const report = await node.resync({ routers: kept, fips: keptFips });
  const ms = since(start);
  if (report.failures.length) throw new Error(`resync after field faults: ${report.failures[0].message}`);
  if (kept.length < t.routers.length) {
    const left = ipIn(fipNs, '-4 rule show')
      .split('\n')
      .filter((l) => l.includes(deviceName('fpr-', dropped.id)));
    if (left.length) throw new Error(`a dropped router's rule survived the resync: ${left[0]}`);
    // Its qrouter namespace would be gone with it (Neutron deletes it); then the router
    // comes back: set up again, its floating IPs associated again.
    await node.teardownRouters([dropped]);
    await node.setupRouters([dropped]);
    failuresOf(await node.associate(current.filter((f) => f.routerId === dropped.id)), 'associate after the router came back');
  }
  await checked(checker, node, current, 'resync after field faults');
  if (witness() !== before) throw new Error("the agent's own objects did not survive the resync");
  const again = await node.resync({ routers: t.routers, fips: current });
  if (again.added || again.removed) throw new Error(`a second resync changed ${again.added + again.removed} objects`);
  rows.push({
    phase: 'resync after field faults',
    ops: report.added + report.removed,
    ms,
    note: "a veth re-plugged, a duplicate priority, a router deleted while down; the agent's co-resident objects survived",
  });
  for (const [ns, line] of coResident) ipIn(ns, line.replace(' add ', ' del '));
}

/** Rounds of drift made while the node's guard watches; the time each takes to be repaired. */
const DRIFT_ROUNDS = 20;

/**
 * Drift while watching: the node's guard (DvrNode.watch()) repairs drift made behind the
 * node's back by ip -batch, with no resync() called. Each round's time runs from the
 * moment ip -batch has made the whole drift (its notifications are queued) to the end
 * of the last repair that changed something; after each round the node is checked
 * whole. A last round runs with 4 KiB notification buffers and a bigger burst, so that
 * notifications are lost (ENOBUFS): the guard must still end correct.
 */
async function driftWhileWatching(
  t: Topology,
  node: DvrNode,
  current: FloatingIp[],
  checker: NodeChecker,
  random: () => number,
): Promise<void> {
  const times: number[] = [];
  let drifted = 0;
  let repairs = 0;
  const fraction = Math.max(0.01, 1 / current.length);
  const guard = node.watch();
  const counting = (async () => {
    for await (const _repair of guard) repairs++;
  })();
  try {
    await guard.ready;
    for (let round = 0; round < DRIFT_ROUNDS; round++) {
      drifted += injectDrift(t, node, current, fraction, random);
      const injected = performance.now();
      times.push((await guard.settled(injected)) - injected);
      await checked(checker, node, current, `drift while watching, round ${round + 1}`);
    }
  } finally {
    await guard.close();
    await counting;
  }
  // The lossy round: tiny buffers, a burst of 10% drift.
  const lossy = node.watch({ receiveBufferBytes: 4096 });
  let overflowDrift: number;
  try {
    await lossy.ready;
    overflowDrift = injectDrift(t, node, current, 0.1, random);
    await lossy.settled(performance.now());
    await checked(checker, node, current, 'drift while watching, with lost notifications');
  } finally {
    await lossy.close();
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  rows.push({
    phase: `drift while watching (${DRIFT_ROUNDS} rounds)`,
    ops: drifted,
    ms: times.reduce((a, b) => a + b, 0),
    note:
      `time to repair per round: p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, ` +
      `from the drift made to the last repair; ${repairs} repairs, no resync; ` +
      `a round with 4 KiB buffers (${overflowDrift} drifted objects, ${lossy.overflows} overflows) ended correct`,
  });
}

/** Drift of `fraction` of each kind, made with `ip -batch`; returns how many objects drifted. */
function injectDrift(t: Topology, node: DvrNode, fips: FloatingIp[], fraction: number, random: () => number): number {
  const count = Math.round(fips.length * fraction);
  if (count === 0) return 0;
  const pick = () => fips[Math.floor(random() * fips.length)];
  const routers = new Map(t.routers.map((r) => [r.id, r]));
  const byNs = new Map<string, string[]>();
  const add = (ns: string, line: string) => pushTo(byNs, ns, line);
  const touched = new Set<string>();
  for (let i = 0; i < count; i++) {
    const gone = pick(); // its rule goes missing (the route stays: Neutron would not repair this)
    if (!touched.has(`rule ${gone.floatingIp}`)) {
      touched.add(`rule ${gone.floatingIp}`);
      add(routers.get(gone.routerId)!.namespace, `rule del from ${gone.fixedIp} table ${FIP_TABLE} priority ${node.priorityOf(gone)}`);
    }
    const r = t.routers[Math.floor(random() * t.routers.length)];
    const stale = t.fixedIps.get(r.id)![t.fixedIps.get(r.id)!.length - 1 - (i % 3)];
    add(r.namespace, `rule add from ${stale} table ${FIP_TABLE} priority ${72767 - i}`); // a stale rule
    const lost = pick();
    if (!touched.has(`route ${lost.floatingIp}`)) {
      touched.add(`route ${lost.floatingIp}`);
      add(t.fipOf(routers.get(lost.routerId)!).namespace, `route del ${lost.floatingIp}/32`);
    }
    add(
      t.fipOf(r).namespace,
      `route replace ${t.floatingIp(900000 + i)}/32 via ${linkLocalPair(r.linkLocalIndex).rfp} dev ${deviceName('fpr-', r.id)} proto static`,
    );
    const wrong = pick();
    const other = t.routers[(t.routers.findIndex((x) => x.id === wrong.routerId) + 1) % t.routers.length];
    if (!touched.has(`route ${wrong.floatingIp}`) && other.id !== wrong.routerId) {
      touched.add(`route ${wrong.floatingIp}`);
      add(
        t.fipOf(other).namespace,
        `route replace ${wrong.floatingIp}/32 via ${linkLocalPair(other.linkLocalIndex).rfp} dev ${deviceName('fpr-', other.id)} proto static`,
      );
    }
  }
  let drifted = 0;
  for (const [ns, lines] of byNs) {
    ipBatch(ns, lines, { force: true, tolerateFailures: true });
    drifted += lines.length;
  }
  return drifted;
}

function report(): void {
  const extras = [
    profile.ipv6 && 'IPv6 subnets',
    profile.extraRoutes && 'extra routes',
    profile.addressScopes && 'address scopes',
    (profile.externals ?? 1) > 1 && `${profile.externals} external networks`,
  ].filter(Boolean);
  console.log(
    `\nFIP storm, profile ${profile.name}: ${profile.routers} routers × ${profile.fipsPerRouter} floating IPs, ${profile.subnets} subnet(s) each${extras.length ? `, ${extras.join(', ')}` : ''}, seed ${seed}`,
  );
  console.log('| phase | kernel writes | nlroute ms | ops/s | ip -batch ms (× nlroute) | one ip per change, ms/op (× nlroute) | |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const perOp = r.ms / Math.max(r.ops, 1);
    const batch = r.ipBatch === undefined ? '—' : `${r.ipBatch.toFixed(1)} (${(r.ipBatch / r.ms).toFixed(1)}×)`;
    const each = r.ip === undefined ? '—' : `${r.ip.toFixed(2)} (${(r.ip / perOp).toFixed(0)}×)`;
    const rate = r.ops ? Math.round((r.ops / r.ms) * 1000).toLocaleString('en') : '—';
    console.log(`| ${r.phase} | ${r.ops} | ${r.ms.toFixed(1)} | ${rate} | ${batch} | ${each} | ${r.note ?? ''} |`);
  }
  console.log('\nEvery phase was checked afterwards: exact rules and routes per namespace, unique priorities in');
  console.log('32768..72767, and route get lookups (qrouter: fixed IPs leave by table 16 or their SNAT table;');
  console.log('fip namespace: floating IPs come in via fpr-, leave by the router table).');
  if (extras.length) {
    console.log("Also checked: IPv6 SNAT rules and tables, each router's IPv6 default to its fpr- link-local address");
    console.log("and IPv6 lookups, table T's IPv6 default, extra routes (ECMP in qrouter, the external nexthop in");
    console.log('table T, looked up), address-scope subnets (the pref-80000 fast path out, the fip route back in).');
  }
  console.log('nlroute started no process.');
}

async function main() {
  if (help) return void process.stdout.write(USAGE);
  if (!Object.hasOwn(PROFILES, profileName)) throw new Error(`unknown profile ${profileName}; one of ${Object.keys(PROFILES).join(', ')}`);
  if (process.getuid?.() !== 0) throw new Error('the storm needs root to build its scratch namespaces');
  process.stderr.write(`building ${profile.routers} routers in scratch namespaces...\n`);
  const t = buildTopology(profile, 'storm');
  progress.update('topology built');
  try {
    await storm(t);
  } finally {
    t.destroy();
  }
  report();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

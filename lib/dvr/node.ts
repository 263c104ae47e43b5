// A DVR compute node driven through nlroute: per-router setup and teardown, floating
// IP association, disassociation and moves in bulk, and a resync that repairs drift
// both ways. Everything is idempotent, and every bulk operation is one batch per
// namespace, the namespaces served concurrently. A node may hang off several external
// networks: each has its own fip namespace and its own pool of rule priorities.
import type { Batch } from '../batch/batch';
import type { BatchResult } from '../batch/types';
import { NlrouteError, ValidationError } from '../errors';
import { open, type Handle } from '../handle';
import type { ReconcileOptions, ReconcileResult } from '../reconcile';
import type { RouteSpec } from '../routes/types';
import type { Rule, RuleSpec } from '../rules/types';
import { deviceName, FIP_PRIORITY_END, FIP_PRIORITY_START, FIP_TABLE, intToIpv4 } from './derive';
import type { ExternalNetwork, FipResult, FloatingIp, ResyncReport, Router } from './model';
import * as own from './ownership';
import { floatingIpText, ipv4Address, readExternal, readFloatingIp, readRouter } from './input';
import { denseList } from '../plain';
import { PriorityAllocator } from './priority-allocator';
import { addressScopeRoutes, routerState, tableOf, throughRouter, type OwnedState } from './router-state';
import { integer, plainOptions } from '../validate';
import { DvrGuard, type GuardOptions } from './guard';

const STATIC = 'static';

/** A floating-IP rule that open() found at a priority already held by another rule of the node. */
export interface PriorityConflict {
  priority: number;
  /** The qrouter namespace of the rule that did not get the priority, and its `from`. */
  namespace: string;
  from: string;
  /** The floating IP key (router id / fixed IP) that holds the priority. */
  heldBy: string;
}

export interface DvrNodeOptions {
  /** The external network, for a node with one. */
  external?: ExternalNetwork;
  /** The external networks, each with an `id` its routers name (`router.external`). */
  externals?: ExternalNetwork[];
  routers: Router[];
  /** Source of randomness for priorities (seed it for reproducible storms). */
  random?: () => number;
}

/** One external network of the node: its fip namespace and its floating-IP priorities. */
interface FipSide {
  external: ExternalNetwork;
  priorities: PriorityAllocator;
}

export class DvrNode {
  private readonly handles = new Map<string, Promise<Handle>>();
  private readonly routers = new Map<string, Router>();
  /** By external network id ('' for the one network of a node given `external`). */
  private readonly sides = new Map<string, FipSide>();
  /** Floating-IP rules found by open() at a priority another router's rule already holds. */
  readonly conflicts: PriorityConflict[] = [];
  /**
   * The floating IPs the node has been told it should have, by key (ruleKey): what a
   * guard repairs to. Updated before anything is written, so that a repair running
   * beside an associate never removes what is being added.
   */
  private readonly desiredFips = new Map<string, FloatingIp>();
  /**
   * Whether desiredFips is the whole truth: after a resync, or from the start when
   * open() found no floating-IP rule to adopt (it cannot know their floating IPs).
   */
  private desiredKnown = false;
  private readonly guards = new Set<DvrGuard>();

  private constructor(externals: ExternalNetwork[], random?: () => number) {
    for (const external of externals) this.sides.set(external.id ?? '', { external, priorities: new PriorityAllocator(random) });
  }

  /**
   * A node with these routers. The floating-IP rule priorities already in the
   * qrouter namespaces are adopted, so a restarted agent never hands out one in use.
   */
  static async open(options: DvrNodeOptions): Promise<DvrNode> {
    const o = plainOptions('DvrNode options', options, ['external', 'externals', 'routers', 'random']);
    if (options === undefined) throw new ValidationError('DvrNode options', options, 'expected { external, routers }');
    if (o.random !== undefined && typeof o.random !== 'function') throw new ValidationError('random', o.random, 'expected a function');
    const node = new DvrNode(readExternals(o.external, o.externals), o.random as (() => number) | undefined);
    const routers = node.readRouters('routers', o.routers);
    for (const router of routers) node.routers.set(router.id, router);
    // The rules are read concurrently, then adopted in the order the routers were given,
    // so that which of two rules sharing a priority keeps it does not depend on timing.
    const found = await Promise.all(routers.map(async (r) => (await node.handle(r.namespace)).rules.list({ family: 4, table: FIP_TABLE })));
    routers.forEach((r, i) => node.adoptPriorities(r, found[i]));
    node.desiredKnown = [...node.sides.values()].every((side) => side.priorities.keys().length === 0);
    return node;
  }

  /** Closes the node's guards, then every handle the node opened. */
  async close(): Promise<void> {
    await Promise.all([...this.guards].map((guard) => guard.close()));
    const settled = await Promise.allSettled(this.handles.values());
    this.handles.clear();
    const opened = settled.flatMap((h) => (h.status === 'fulfilled' ? [h.value] : []));
    await Promise.all(opened.map((handle) => handle.close()));
  }

  /** The priority a floating IP's rule has (or would get), for checks and reports. */
  priorityOf(fip: FloatingIp): number | undefined {
    const router = this.routers.get(fip.routerId);
    return router && this.sideOf(router).priorities.priorityOf(ruleKey(fip));
  }

  /**
   * Per-router state, as Neutron sets it up. In the fip namespace: the router's table
   * (IPv4 default, IPv6 too on a dual-stack network, extra routes with an external
   * nexthop), its `iif fpr-` rule, and its address-scope subnets' routes. In qrouter:
   * the table-16 default, the IPv6 default to the fpr- link-local address, each
   * subnet's SNAT redirect (or address-scope fast path), and the extra routes.
   */
  async setupRouters(routers: Router[]): Promise<void> {
    const given = this.readRouters('routers', routers);
    for (const r of given) this.routers.set(r.id, r);
    const batches: Array<[Batch, string]> = [];
    for (const [, side, mine] of this.bySide(given)) {
      const fip = await this.handle(side.external.namespace);
      const f = fip.batch();
      const macs = await this.fprMacs(fip, mine);
      for (const r of mine) {
        const q = (await this.handle(r.namespace)).batch();
        const mac = macs.get(r.id);
        if (mac instanceof NlrouteError) throw mac;
        for (const state of routerState(r, side.external, mac)) write(state.where === 'fip' ? f : q, state);
        for (const route of addressScopeRoutes(r)) f.routes.replace(route);
        f.rules.ensure(fipRouterRule(r));
        batches.push([q, `router setup in ${r.namespace}`]);
      }
      batches.push([f, `router setup in ${side.external.namespace}`]);
    }
    await Promise.all(batches.map(([batch, what]) => commitOrThrow(batch, what)));
    for (const guard of this.guards) for (const r of given) guard.follow(r.namespace);
  }

  /** Router removal (Neutron's delete_rtr_2_fip_link and SNAT cleanup), floating IPs included. */
  async teardownRouters(routers: Router[]): Promise<void> {
    const given = this.readRouters('routers', routers);
    const work: Array<Promise<ReconcileResult<unknown, unknown>>> = [];
    for (const [, side, mine] of this.bySide(given)) {
      const fip = await this.handle(side.external.namespace);
      for (const r of mine) {
        const q = await this.handle(r.namespace);
        work.push(reconcileOwned(q.rules, own.floatingIpRules(), []));
        // The IPv6 default goes too; it needs no MAC to be recognised.
        for (const state of routerState(r, side.external, '00:00:00:00:00:00')) {
          work.push(reconcileState(state.where === 'fip' ? fip : q, { ...state, desired: [] }));
        }
      }
      // The fip namespace's floating-IP and address-scope routes and router rules of these routers.
      work.push(reconcileOwned(fip.routes, own.routesThroughRouters(mine.map(throughRouter)), []));
    }
    const failed = (await Promise.all(work)).flatMap((result) => result.failures);
    if (failed.length) throw failed[0].error;
    for (const [, side, mine] of this.bySide(given)) {
      const f = (await this.handle(side.external.namespace)).batch();
      for (const r of mine) f.rules.remove(fipRouterRule(r));
      await commitOrThrow(f, `router teardown in ${side.external.namespace}`);
      for (const r of mine) {
        this.routers.delete(r.id);
        for (const key of side.priorities.keys()) if (key.startsWith(`${r.id}/`)) side.priorities.release(key);
        for (const [key, fip] of this.desiredFips) if (fip.routerId === r.id) this.desiredFips.delete(key);
        for (const guard of this.guards) guard.unfollow(r.namespace);
      }
    }
  }

  /** Associates floating IPs: rule `from fixed lookup 16 pref P` in qrouter, /32 route in fip. */
  async associate(fips: FloatingIp[]): Promise<FipResult[]> {
    // A floating IP that is malformed, or finds the priority pool full, fails alone.
    const { results, plan } = this.planFips(fips, (fip, router) => ({ priority: this.sideOf(router).priorities.allocate(ruleKey(fip)) }));
    for (const { fip } of plan) this.desiredFips.set(ruleKey(fip), fip);
    // The rule goes in first: the /32 attracts the traffic, and must never be there
    // without its rule. A floating IP whose route then fails takes back the rule it
    // added, so each is all or nothing across its two namespaces. A failed one keeps
    // its priority, as Neutron's does, so a retry writes the same rule.
    const outcomes = await this.allOrNothing(
      plan,
      { where: 'qrouter', add: (q, { fip, priority }) => q.rules.ensure(fipRule(fip, priority)) },
      { where: 'fip', add: (f, { fip, router }) => f.routes.replace(fipRoute(fip, router)) },
      (q, { fip, priority }) => q.rules.remove(fipRule(fip, priority)),
    );
    plan.forEach((item, k) => (results[item.index] = this.resultOf(item.fip, outcomes[k].error, outcomes[k].changed)));
    return results;
  }

  /** Disassociates floating IPs; one that is not associated is success. */
  async disassociate(fips: FloatingIp[]): Promise<FipResult[]> {
    const { results, plan } = this.planFips(fips, (fip, router) => ({ priority: this.sideOf(router).priorities.priorityOf(ruleKey(fip)) }));
    for (const { fip } of plan) this.desiredFips.delete(ruleKey(fip));
    // The reverse of associate: the /32 goes first (by the floating IP's key, whatever
    // protocol wrote it: older agents wrote proto boot), then the rule. A floating IP
    // whose rule cannot go gets its route back.
    const outcomes = await this.allOrNothing(
      plan,
      {
        where: 'fip',
        add: (f, { fip, router }) => {
          const { protocol: _any, ...byKey } = fipRoute(fip, router);
          f.routes.remove(byKey);
        },
      },
      { where: 'qrouter', add: (q, { fip, priority }) => q.rules.remove(fipRule(fip, priority)) },
      (f, { fip, router }) => f.routes.replace(fipRoute(fip, router)),
    );
    plan.forEach((item, k) => {
      const { error, changed } = outcomes[k];
      if (!error) this.sideOf(item.router).priorities.release(ruleKey(item.fip));
      results[item.index] = this.resultOf(item.fip, error, changed);
    });
    return results;
  }

  /**
   * Moves floating IPs to other fixed IPs of the same router: the old rule goes, its
   * priority is released, and the new rule gets a fresh one (as in Neutron, so a move
   * works with a full pool too).
   */
  async move(moves: Array<{ fip: FloatingIp; fixedIp: string }>): Promise<FipResult[]> {
    const given = denseList('moves', moves);
    const results = new Array<FipResult>(given.length);
    const plan: Array<{ index: number; fip: FloatingIp; moved: FloatingIp; router: Router; old?: number; priority: number }> = [];
    given.forEach((value, index) => {
      let fip: FloatingIp | undefined;
      let old: number | undefined;
      let priorities: PriorityAllocator | undefined;
      try {
        // Everything is checked before the old priority is let go.
        const m = plainOptions(`moves[${index}]`, value, ['fip', 'fixedIp']);
        fip = readFloatingIp(`moves[${index}].fip`, m.fip);
        const moved = { ...fip, fixedIp: ipv4Address(`moves[${index}].fixedIp`, m.fixedIp) };
        const router = this.router(fip);
        priorities = this.sideOf(router).priorities;
        old = priorities.priorityOf(ruleKey(fip));
        priorities.release(ruleKey(fip));
        plan.push({ index, fip, moved, router, old, priority: priorities.allocate(ruleKey(moved)) });
        this.desiredFips.delete(ruleKey(fip));
        this.desiredFips.set(ruleKey(moved), moved);
      } catch (error) {
        if (!(error instanceof NlrouteError)) throw error;
        if (fip && priorities && old !== undefined) priorities.adopt(ruleKey(fip), old);
        results[index] = { floatingIp: fip?.floatingIp ?? '', ok: false, error };
      }
    });
    const moved = await this.phase(plan, 'qrouter', (q, { fip, moved, old, priority }) => {
      q.rules.remove(fipRule(fip, old));
      q.rules.ensure(fipRule(moved, priority));
    });
    plan.forEach((item, k) => {
      const { error, changed } = moved[k];
      if (error) {
        const priorities = this.sideOf(item.router).priorities;
        priorities.release(ruleKey(item.moved));
        if (item.old !== undefined) priorities.adopt(ruleKey(item.fip), item.old);
        this.desiredFips.delete(ruleKey(item.moved));
        this.desiredFips.set(ruleKey(item.fip), item.fip);
      }
      // A moved floating IP's priority is its new rule's.
      results[item.index] = this.resultOf(item.moved, error, changed);
    });
    return results;
  }

  /**
   * Reconciles the whole node to `desired`: every scope the node owns (ownership.ts) in
   * every router's qrouter namespace and in each fip namespace, to what its routers and
   * floating IPs say. A missing rule or route is added and a stale one removed, each
   * independently of the other; objects outside those scopes, and objects inside them
   * that the node does not write, are never touched. A second resync to the same state
   * sends nothing.
   */
  async resync(desired: { routers: Router[]; fips: FloatingIp[] }): Promise<ResyncReport> {
    const d = plainOptions('desired', desired, ['routers', 'fips']);
    if (desired === undefined) throw new ValidationError('desired', desired, 'expected { routers, fips }');
    const routers = this.readRouters('desired.routers', d.routers);
    for (const r of routers) this.routers.set(r.id, r);
    const fips = denseList('desired.fips', d.fips).map((f, i) => readFloatingIp(`desired.fips[${i}]`, f));
    const byRouter = new Map<string, FloatingIp[]>(routers.map((r) => [r.id, []]));
    for (const fip of fips) {
      const mine = byRouter.get(fip.routerId);
      if (!mine) throw new ValidationError('routerId', fip.routerId, 'is not a router of this resync');
      mine.push(fip);
    }
    this.desiredFips.clear();
    for (const fip of fips) this.desiredFips.set(ruleKey(fip), fip);
    this.desiredKnown = true;
    for (const guard of this.guards) for (const r of routers) guard.follow(r.namespace);
    const report = await this.reconcileScopes(routers, byRouter);
    // What is not desired holds no priority any more.
    const wanted = new Set(fips.map(ruleKey));
    for (const side of this.sides.values()) {
      for (const key of side.priorities.keys()) if (!wanted.has(key)) side.priorities.release(key);
    }
    return report;
  }

  /**
   * The reconciles of a resync: every scope the node owns, in the namespaces `only`
   * names (all of them when it is undefined), to `routers` and their floating IPs.
   */
  private async reconcileScopes(routers: Router[], byRouter: Map<string, FloatingIp[]>, only?: Set<string>): Promise<ResyncReport> {
    const runs: Array<Promise<ReconcileResult<unknown, unknown>>> = [];
    const wanted = (namespace: string) => only === undefined || only.has(namespace);
    // A scope that cannot be read (a router's fpr- device is gone) is that scope's failure.
    const run = (namespace: string, work: () => Promise<ReconcileResult<unknown, unknown>>) => {
      if (wanted(namespace)) runs.push(work().catch(failedRun));
    };
    for (const [, side, mine] of this.bySide(routers, true)) {
      const fipNamespace = side.external.namespace;
      const fip = await this.handle(fipNamespace);
      const macs = mine.some((r) => wanted(r.namespace)) ? await this.fprMacs(fip, mine) : new Map<string, string | NlrouteError>();
      for (const r of mine) {
        if (!wanted(r.namespace)) continue;
        const q = await this.handle(r.namespace);
        const rules = byRouter.get(r.id)!.map((f) => fipRule(f, side.priorities.allocate(ruleKey(f))));
        run(r.namespace, () => reconcileOwned(q.rules, own.floatingIpRules(), rules));
        const mac = macs.get(r.id);
        if (mac instanceof NlrouteError) run(r.namespace, () => Promise.reject(mac));
        for (const state of routerState(r, side.external, typeof mac === 'string' ? mac : undefined)) {
          if (state.where === 'fip') run(fipNamespace, () => reconcileState(fip, state));
          else run(r.namespace, () => reconcileState(q, state));
        }
      }
      // The router table's default routes in the fip namespace are its routers' too.
      for (const r of mine) {
        if (wanted(r.namespace) || !wanted(fipNamespace)) continue;
        for (const state of routerState(r, side.external, undefined))
          if (state.where === 'fip') run(fipNamespace, () => reconcileState(fip, state));
      }
      if (!wanted(fipNamespace)) continue;
      run(fipNamespace, () => reconcileOwned(fip.rules, own.routerRules(), mine.map(fipRouterRule)));
      // Routers the node once had and the desired set has not (deleted while the agent was
      // down): their router rules go with the reconcile above, their tables here, and their
      // /32s with everyone's below.
      const stale = await this.staleRouters(fip, mine);
      for (const s of stale) {
        run(fipNamespace, () => reconcileOwned(fip.routes, own.defaultRouteOf(s.table), []));
        if (side.external.gateway6 !== undefined) run(fipNamespace, () => reconcileOwned(fip.routes, own.defaultRouteOf(s.table, 6), []));
      }
      const through = [...mine.map(throughRouter), ...stale.map((s) => ({ fpr: s.fpr, rfp: intToIpv4(s.table - 1) }))];
      const routes = mine.flatMap((r) => [...byRouter.get(r.id)!.map((f) => fipRoute(f, r)), ...addressScopeRoutes(r)]);
      run(fipNamespace, () => reconcileOwned(fip.routes, own.routesThroughRouters(through), routes));
    }
    const report: ResyncReport = { added: 0, removed: 0, unchanged: 0, failures: [] };
    for (const result of await Promise.all(runs)) {
      report.added += result.added.length;
      report.removed += result.removed.length;
      report.unchanged += result.unchanged.length;
      report.failures.push(...result.failures.map((f) => f.error));
    }
    return report;
  }

  /**
   * @internal A guard's repair: the node's scopes in `namespaces`, reconciled to what the
   * node has been told it should have (its routers and desired floating IPs).
   */
  async repair(namespaces: Set<string>): Promise<ResyncReport> {
    const routers = [...this.routers.values()];
    const byRouter = new Map<string, FloatingIp[]>(routers.map((r) => [r.id, []]));
    for (const fip of this.desiredFips.values()) byRouter.get(fip.routerId)?.push(fip);
    return this.reconcileScopes(routers, byRouter, namespaces);
  }

  /** @internal The namespaces a guard follows: every router's qrouter namespace and each fip namespace. */
  namespaces(): string[] {
    return [
      ...new Set([...[...this.routers.values()].map((r) => r.namespace), ...[...this.sides.values()].map((s) => s.external.namespace)]),
    ];
  }

  /** @internal The node's handle on a namespace (opened on first use). */
  handleOn(namespace: string): Promise<Handle> {
    return this.handle(namespace);
  }

  /**
   * Keeps the node's rules and routes as the node has been told they should be: every
   * namespace the node writes is watched, and when another process removes, changes or
   * adds something in a scope the node owns, the node repairs those scopes from its
   * desired state (bursts coalesce into one repair per namespace). The node's own
   * writes are not drift. Iterating the guard yields each repair; `await guard.close()`
   * stops it. Needs a desired state the node knows whole: after resync(), or on a node
   * whose open() found no floating-IP rule.
   */
  watch(options?: GuardOptions): DvrGuard {
    const o = plainOptions('watch options', options, ['receiveBufferBytes']);
    if (!this.desiredKnown) {
      throw new NlrouteError(
        'DvrNode.watch(): the node does not know its floating IPs yet (open() adopted rules it found): resync() first',
      );
    }
    const receiveBufferBytes =
      o.receiveBufferBytes === undefined ? undefined : integer('receiveBufferBytes', o.receiveBufferBytes, 4096, 0x3fffffff);
    const guard = new DvrGuard(this, (ended) => this.guards.delete(ended), { receiveBufferBytes });
    this.guards.add(guard);
    return guard;
  }

  // ---------------------------------------------------------------------------

  /**
   * Reads a bulk call's floating IPs, each checked whole before anything is sent: a
   * plan entry per good one (with what `extra` adds), a failed result in place of
   * each one that is malformed or that `extra` refuses.
   */
  private planFips<X>(fips: unknown, extra: (fip: FloatingIp, router: Router) => X) {
    const given = denseList('fips', fips);
    const results = new Array<FipResult>(given.length);
    const plan: Array<{ index: number; fip: FloatingIp; router: Router } & X> = [];
    given.forEach((value, index) => {
      try {
        const fip = readFloatingIp(`fips[${index}]`, value);
        const router = this.router(fip);
        plan.push({ index, fip, router, ...extra(fip, router) });
      } catch (error) {
        if (!(error instanceof NlrouteError)) throw error;
        results[index] = { floatingIp: floatingIpText(value), ok: false, error };
      }
    });
    return { results, plan };
  }

  /**
   * One step of a bulk call: the operations `add` makes for each item, one batch per
   * namespace (every router's qrouter namespace, or the fip namespace), committed
   * concurrently. Per item: the first error, and whether anything changed.
   */
  private async phase<T extends { fip: FloatingIp; router: Router }>(
    items: T[],
    where: 'qrouter' | 'fip',
    add: (batch: Batch, item: T) => void,
  ): Promise<Array<{ error?: NlrouteError; changed: boolean }>> {
    const outcomes = items.map(() => ({ error: undefined as NlrouteError | undefined, changed: false }));
    if (items.length === 0) return outcomes;
    const batches = new Map<string, { batch: Batch; owner: number[] }>();
    for (const [i, item] of items.entries()) {
      const namespace = where === 'fip' ? this.sideOf(item.router).external.namespace : item.router.namespace;
      let entry = batches.get(namespace);
      if (!entry) batches.set(namespace, (entry = { batch: (await this.handle(namespace)).batch(), owner: [] }));
      const before = entry.batch.size;
      add(entry.batch, item);
      for (let k = before; k < entry.batch.size; k++) entry.owner.push(i);
    }
    await Promise.all(
      [...batches.values()].map(async ({ batch, owner }) => {
        const results: BatchResult[] = await batch.commit();
        results.forEach((r, k) => {
          const o = outcomes[owner[k]];
          if (r.ok) o.changed ||= r.status === 'done';
          else o.error ??= 'error' in r ? r.error : new NlrouteError(`${items[owner[k]].fip.floatingIp}: ${r.status}`);
        });
      }),
    );
    return outcomes;
  }

  /**
   * Each floating IP's two halves, all or nothing: `first` for every item, then
   * `second` for those whose first half went through, then `takeBackFirst` (in the first
   * half's namespace) for those whose second half failed after the first changed
   * something. Per item: the first error, and whether anything changed.
   */
  private async allOrNothing<T extends { fip: FloatingIp; router: Router }>(
    plan: T[],
    first: { where: 'qrouter' | 'fip'; add: (batch: Batch, item: T) => void },
    second: { where: 'qrouter' | 'fip'; add: (batch: Batch, item: T) => void },
    takeBackFirst: (batch: Batch, item: T) => void,
  ): Promise<Array<{ error?: NlrouteError; changed: boolean }>> {
    const firsts = await this.phase(plan, first.where, first.add);
    const passed = indexesWhere(firsts, (o) => !o.error);
    const seconds = await this.phase(
      passed.map((k) => plan[k]),
      second.where,
      second.add,
    );
    const takeBack = passed.filter((k, j) => seconds[j].error && firsts[k].changed);
    await this.phase(
      takeBack.map((k) => plan[k]),
      first.where,
      takeBackFirst,
    );
    const secondOf = new Map(passed.map((k, j) => [k, seconds[j]]));
    return plan.map((_, k) => ({
      error: firsts[k].error ?? secondOf.get(k)?.error,
      changed: firsts[k].changed || secondOf.get(k)?.changed === true,
    }));
  }

  private resultOf(fip: FloatingIp, error: NlrouteError | undefined, changed: boolean): FipResult {
    if (error) return { floatingIp: fip.floatingIp, ok: false, error };
    const result: FipResult = { floatingIp: fip.floatingIp, ok: true, priority: this.priorityOf(fip) };
    if (!changed) result.unchanged = true;
    return result;
  }

  /** Takes over the floating-IP rule priorities a router's qrouter namespace holds. */
  private adoptPriorities(r: Router, rules: Rule[]): void {
    const priorities = this.sideOf(r).priorities;
    for (const rule of rules) {
      if (!rule.from || rule.priority < FIP_PRIORITY_START || rule.priority >= FIP_PRIORITY_END) continue;
      const key = ruleKey({ routerId: r.id, fixedIp: rule.from.replace(/\/32$/, '') });
      const holder = priorities.holderOf(rule.priority);
      if (holder !== undefined && holder !== key) {
        // The same priority in two qrouter namespaces (one of Neutron's leaks): the first
        // keeps it; this rule is reported, and a resync gives its floating IP a priority
        // of its own (the rule at the shared one is not desired, so it goes).
        this.conflicts.push({ priority: rule.priority, namespace: r.namespace, from: rule.from, heldBy: holder });
        continue;
      }
      // A duplicate (a second priority for one fixed IP) still holds its priority until removed.
      priorities.adopt(priorities.priorityOf(key) === undefined ? key : `${key}#${rule.priority}`, rule.priority);
    }
  }

  private handle(namespace: string): Promise<Handle> {
    let handle = this.handles.get(namespace);
    if (!handle) {
      handle = open({ netns: namespace });
      this.handles.set(namespace, handle);
    }
    return handle;
  }

  private router(fip: FloatingIp): Router {
    const router = this.routers.get(fip.routerId);
    if (!router) throw new ValidationError('routerId', fip.routerId, 'is not a router of this node');
    return router;
  }

  /** The external network a router hangs off. */
  private sideOf(r: Router): FipSide {
    const side = this.sides.get(r.external ?? '');
    if (!side) throw new ValidationError('external', r.external, 'is not an external network of this node');
    return side;
  }

  /**
   * Routers read once, each naming an external network of the node (when it has
   * several). Two with one id, or with one /31 on one external network (they would share
   * a table T and its rule), are refused.
   */
  private readRouters(field: string, value: unknown): Router[] {
    const routers = denseList(field, value).map((r, i) => readRouter(`${field}[${i}]`, r));
    const ids = new Set<string>();
    const pairs = new Set<string>();
    routers.forEach((r, i) => {
      if (r.external === undefined && !this.sides.has(''))
        throw new ValidationError(`${field}[${i}].external`, r.external, 'this node has several external networks: name one');
      if (!this.sides.has(r.external ?? ''))
        throw new ValidationError(`${field}[${i}].external`, r.external, 'is not an external network of this node');
      if (ids.has(r.id)) throw new ValidationError(`${field}[${i}].id`, r.id, 'is given twice');
      const pair = `${r.external ?? ''}/${r.linkLocalIndex}`;
      if (pairs.has(pair))
        throw new ValidationError(`${field}[${i}].linkLocalIndex`, r.linkLocalIndex, "is another router's on the same external network");
      ids.add(r.id);
      pairs.add(pair);
    });
    return routers;
  }

  /** Routers grouped by external network; `all` lists every network, even one with no router here. */
  private bySide(routers: Router[], all = false): Array<[string, FipSide, Router[]]> {
    const groups = new Map<string, Router[]>();
    if (all) for (const id of this.sides.keys()) groups.set(id, []);
    for (const r of routers) {
      const id = r.external ?? '';
      groups.set(id, [...(groups.get(id) ?? []), r]);
    }
    return [...groups].map(([id, mine]) => [id, this.sides.get(id)!, mine]);
  }

  /** Each router's fpr- MAC (its IPv6 default goes to the link-local address made from it), or why not. */
  private async fprMacs(fip: Handle, routers: Router[]): Promise<Map<string, string | NlrouteError>> {
    const found = await Promise.all(
      routers.map(async (r): Promise<[string, string | NlrouteError]> => {
        const name = deviceName('fpr-', r.id);
        try {
          const link = await fip.link(name);
          if (link?.address) return [r.id, link.address];
          return [
            r.id,
            new NlrouteError(`router ${r.id}: ${link ? `${name} has no hardware address` : `no device ${name}`} in ${fip.info.namespace}`),
          ];
        } catch (error) {
          if (!(error instanceof NlrouteError)) throw error;
          return [r.id, error];
        }
      }),
    );
    return new Map(found);
  }

  /** Router rules in the fip namespace (`iif fpr-X lookup T pref T`) of no desired router. */
  private async staleRouters(fip: Handle, routers: Router[]): Promise<Array<{ fpr: string; table: number }>> {
    const wanted = new Set(routers.map(tableOf));
    const { scope, options } = own.routerRules();
    const rules = await fip.rules.list({ family: 4 });
    const [low, high] = scope.priority as [number, number];
    return rules
      .filter((rule) => rule.priority >= low && rule.priority <= high && options.owns!(rule) && !wanted.has(rule.priority))
      .map((rule) => ({ fpr: rule.iif!, table: rule.priority }));
  }
}

/** The external networks of DvrNode.open(): `external` (one) or `externals` (each with an id). */
function readExternals(external: unknown, externals: unknown): ExternalNetwork[] {
  if ((external === undefined) === (externals === undefined)) {
    throw new ValidationError('external', external, 'give either external (one network) or externals (several, each with an id)');
  }
  if (external !== undefined) return [readExternal('external', external)];
  const list = denseList('externals', externals).map((e, i) => readExternal(`externals[${i}]`, e));
  if (list.length === 0) throw new ValidationError('externals', externals, 'expected at least one external network');
  const ids = new Set<string>();
  const namespaces = new Set<string>();
  list.forEach((e, i) => {
    if (e.id === undefined) throw new ValidationError(`externals[${i}].id`, e.id, 'each of several external networks needs an id');
    if (ids.has(e.id)) throw new ValidationError(`externals[${i}].id`, e.id, 'is given twice');
    if (namespaces.has(e.namespace))
      throw new ValidationError(`externals[${i}].namespace`, e.namespace, "is another network's fip namespace too");
    ids.add(e.id);
    namespaces.add(e.namespace);
  });
  return list;
}

/** A router's rule in the fip namespace: traffic from its fpr- device looks up its table. */
function fipRouterRule(r: Router): RuleSpec {
  const table = tableOf(r);
  return { iif: deviceName('fpr-', r.id), table, priority: table };
}

/** A floating IP's /32 in the fip namespace's main table, through its router. */
function fipRoute(fip: FloatingIp, r: Router): RouteSpec {
  const { fpr, rfp } = throughRouter(r);
  return { dst: `${fip.floatingIp}/32`, via: rfp, dev: fpr, protocol: STATIC };
}

/** The allocator's key: a rule is one fixed IP of one router. */
function ruleKey(fip: Pick<FloatingIp, 'routerId' | 'fixedIp'>): string {
  return `${fip.routerId}/${fip.fixedIp}`;
}

function fipRule(fip: FloatingIp, priority: number | undefined): RuleSpec {
  return { from: fip.fixedIp, table: FIP_TABLE, ...(priority === undefined ? {} : { priority }) };
}

/** Writes a scope's desired objects, adding to what is there (setup never removes). */
function write(batch: Batch, state: OwnedState): void {
  if (state.kind === 'rules') for (const rule of state.desired) batch.rules.ensure(rule);
  else for (const route of state.desired) batch.routes.replace(route);
}

/** Reconciles one of a router's scopes in its namespace's handle. */
function reconcileState(handle: Handle, state: OwnedState): Promise<ReconcileResult<unknown, unknown>> {
  return state.kind === 'rules'
    ? reconcileOwned(handle.rules, state.owned, state.desired)
    : reconcileOwned(handle.routes, state.owned, state.desired);
}

/** Reconciles what an ownership rule (ownership.ts) says the node owns. */
function reconcileOwned<S, T, D>(
  api: { reconcile(scope: S, desired: D[], options?: ReconcileOptions<T>): Promise<ReconcileResult<T, D>> },
  owned: { scope: S; options: ReconcileOptions<T> },
  desired: D[],
): Promise<ReconcileResult<T, D>> {
  return api.reconcile(owned.scope, desired, owned.options);
}

/** A scope that could not be reconciled at all, as a result with one failure. */
function failedRun(error: unknown): ReconcileResult<unknown, unknown> {
  const failure = error instanceof NlrouteError ? error : new NlrouteError(String(error));
  return { added: [], removed: [], unchanged: [], failures: [{ object: undefined, error: failure }] };
}

async function commitOrThrow(batch: Batch, what: string): Promise<void> {
  const failed = (await batch.commit()).find((r) => !r.ok);
  if (failed) throw 'error' in failed ? failed.error : new NlrouteError(`${what}: ${failed.status}`);
}

function indexesWhere<T>(list: T[], test: (item: T) => boolean): number[] {
  const out: number[] = [];
  list.forEach((item, i) => {
    if (test(item)) out.push(i);
  });
  return out;
}

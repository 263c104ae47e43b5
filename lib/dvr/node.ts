// A DVR compute node driven through nlroute: per-router setup and teardown, floating
// IP association, disassociation and moves in bulk, and a resync that repairs drift
// both ways. Everything is idempotent, and every bulk operation is one batch per
// namespace, the namespaces served concurrently.
import type { Batch } from '../batch/batch';
import type { BatchResult } from '../batch/types';
import { NlrouteError, ValidationError } from '../errors';
import { open, type Handle } from '../handle';
import type { ReconcileOptions, ReconcileResult } from '../reconcile';
import type { RouteSpec } from '../routes/types';
import type { RuleSpec } from '../rules/types';
import { deviceName, FIP_PRIORITY_END, FIP_PRIORITY_START, FIP_TABLE, intToIpv4, linkLocalPair, routerTable, snatIndex } from './derive';
import type { ExternalNetwork, FipResult, FloatingIp, ResyncReport, Router } from './model';
import * as own from './ownership';
import { floatingIpText, ipv4Address, readExternal, readFloatingIp, readRouter } from './input';
import { denseList } from '../plain';
import { PriorityAllocator } from './priority-allocator';
import { plainOptions } from '../validate';

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
  external: ExternalNetwork;
  routers: Router[];
  /** Source of randomness for priorities (seed it for reproducible storms). */
  random?: () => number;
}

export class DvrNode {
  private readonly handles = new Map<string, Promise<Handle>>();
  private readonly routers = new Map<string, Router>();
  private readonly priorities: PriorityAllocator;
  /** Floating-IP rules found by open() at a priority another router's rule already holds. */
  readonly conflicts: PriorityConflict[] = [];

  private constructor(private readonly external: ExternalNetwork, random?: () => number) {
    this.priorities = new PriorityAllocator(random);
  }

  /**
   * A node with these routers. The floating-IP rule priorities already in the
   * qrouter namespaces are adopted, so a restarted agent never hands out one in use.
   */
  static async open(options: DvrNodeOptions): Promise<DvrNode> {
    const o = plainOptions('DvrNode options', options, ['external', 'routers', 'random']);
    if (options === undefined) throw new ValidationError('DvrNode options', options, 'expected { external, routers }');
    if (o.random !== undefined && typeof o.random !== 'function') throw new ValidationError('random', o.random, 'expected a function');
    const external = readExternal('external', o.external);
    const routers = denseList('routers', o.routers).map((r, i) => readRouter(`routers[${i}]`, r));
    const node = new DvrNode(external, o.random as (() => number) | undefined);
    for (const router of routers) node.routers.set(router.id, router);
    await Promise.all(routers.map((r) => node.adoptPriorities(r)));
    return node;
  }

  /** Closes every handle the node opened. */
  async close(): Promise<void> {
    const handles = await Promise.allSettled(this.handles.values());
    this.handles.clear();
    await Promise.all(handles.map((h) => (h.status === 'fulfilled' ? h.value.close() : undefined)));
  }

  /** The priority a floating IP's rule has (or would get), for checks and reports. */
  priorityOf(fip: FloatingIp): number | undefined {
    return this.priorities.priorityOf(ruleKey(fip));
  }

  /** Per-router state, as Neutron sets it up: in the fip namespace the router's table and
   * its `iif fpr-` rule; in qrouter the table-16 default and each subnet's SNAT redirect. */
  async setupRouters(routers: Router[]): Promise<void> {
    for (const r of routers) this.routers.set(r.id, r);
    const fip = await this.handle(this.external.namespace);
    const f = fip.batch();
    for (const r of routers) {
      for (const route of this.fipRouterRoutes(r)) f.routes.replace(route);
      f.rules.ensure(this.fipRouterRule(r));
    }
    const work = [commitOrThrow(f, 'router setup in the fip namespace')];
    for (const r of routers) {
      const q = (await this.handle(r.namespace)).batch();
      for (const route of this.qrouterRoutes(r)) q.routes.replace(route);
      for (const rule of snatRulesOf(r)) q.rules.ensure(rule);
      work.push(commitOrThrow(q, `router setup in ${r.namespace}`));
    }
    await Promise.all(work);
  }

  /** Router removal (Neutron's delete_rtr_2_fip_link and SNAT cleanup), floating IPs included. */
  async teardownRouters(routers: Router[]): Promise<void> {
    const fip = await this.handle(this.external.namespace);
    const work: Array<Promise<ReconcileResult<unknown, unknown>>> = [];
    for (const r of routers) {
      const q = await this.handle(r.namespace);
      work.push(reconcileOwned(q.rules, own.floatingIpRules(), []));
      work.push(reconcileOwned(q.rules, own.snatRules(), []));
      work.push(reconcileOwned(q.routes, own.defaultRouteOf(FIP_TABLE), []));
      for (const s of r.subnets) work.push(reconcileOwned(q.routes, own.defaultRouteOf(snatIndex(s.address)), []));
      work.push(reconcileOwned(fip.routes, own.defaultRouteOf(this.tableOf(r)), []));
    }
    const failed = (await Promise.all(work)).flatMap((result) => result.failures);
    if (failed.length) throw failed[0].error;
    // The fip namespace's floating-IP routes and router rules of these routers.
    const gone = new Set(routers.map((r) => linkLocalPair(r.linkLocalIndex).rfp));
    const stale = (await fip.routes.list({ protocol: STATIC, family: 4 })).filter((route) => route.via && gone.has(route.via));
    const f = fip.batch();
    for (const route of stale) f.routes.remove(route);
    for (const r of routers) f.rules.remove(this.fipRouterRule(r));
    await commitOrThrow(f, 'router teardown in the fip namespace');
    for (const r of routers) {
      this.routers.delete(r.id);
      for (const key of this.priorities.keys()) if (key.startsWith(`${r.id}/`)) this.priorities.release(key);
    }
  }

  /** Associates floating IPs: rule `from fixed lookup 16 pref P` in qrouter, /32 route in fip. */
  async associate(fips: FloatingIp[]): Promise<FipResult[]> {
    // A floating IP that is malformed, or finds the priority pool full, fails alone.
    const { results, plan } = this.planFips(fips, (fip) => ({ priority: this.priorities.allocate(ruleKey(fip)) }));
    // The rule goes in first: the /32 attracts the traffic, and must never be there
    // without its rule. A floating IP whose route then fails takes back the rule it
    // added, so each is all or nothing across its two namespaces. A failed one keeps
    // its priority, as Neutron's does, so a retry writes the same rule.
    const outcomes = await this.allOrNothing(plan,
      { where: 'qrouter', add: (q, { fip, priority }) => q.rules.ensure(fipRule(fip, priority)) },
      { where: 'fip', add: (f, { fip, router }) => f.routes.replace(this.fipRoute(fip, router)) },
      (q, { fip, priority }) => q.rules.remove(fipRule(fip, priority)));
    plan.forEach((item, k) => (results[item.index] = this.resultOf(item.fip, outcomes[k].error, outcomes[k].changed)));
    return results;
  }

  /** Disassociates floating IPs; one that is not associated is success. */
  async disassociate(fips: FloatingIp[]): Promise<FipResult[]> {
    const { results, plan } = this.planFips(fips, (fip) => ({ priority: this.priorities.priorityOf(ruleKey(fip)) }));
    // The reverse of associate: the /32 goes first (by the floating IP's key, whatever
    // protocol wrote it: older agents wrote proto boot), then the rule. A floating IP
    // whose rule cannot go gets its route back.
    const outcomes = await this.allOrNothing(plan,
      {
        where: 'fip',
        add: (f, { fip, router }) => {
          const { protocol: _any, ...byKey } = this.fipRoute(fip, router);
          f.routes.remove(byKey);
        },
      },
      { where: 'qrouter', add: (q, { fip, priority }) => q.rules.remove(fipRule(fip, priority)) },
      (f, { fip, router }) => f.routes.replace(this.fipRoute(fip, router)));
    plan.forEach((item, k) => {
      const { error, changed } = outcomes[k];
      if (!error) this.priorities.release(ruleKey(item.fip));
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
    const results: FipResult[] = new Array(given.length);
    const plan: Array<{ index: number; fip: FloatingIp; moved: FloatingIp; router: Router; old?: number; priority: number }> = [];
    given.forEach((value, index) => {
      let fip: FloatingIp | undefined;
      let old: number | undefined;
      try {
        // Everything is checked before the old priority is let go.
        const m = plainOptions(`moves[${index}]`, value, ['fip', 'fixedIp']);
        fip = readFloatingIp(`moves[${index}].fip`, m.fip);
        const moved = { ...fip, fixedIp: ipv4Address(`moves[${index}].fixedIp`, m.fixedIp) };
        const router = this.router(fip);
        old = this.priorities.priorityOf(ruleKey(fip));
        this.priorities.release(ruleKey(fip));
        plan.push({ index, fip, moved, router, old, priority: this.priorities.allocate(ruleKey(moved)) });
      } catch (error) {
        if (!(error instanceof NlrouteError)) throw error;
        if (fip && old !== undefined) this.priorities.adopt(ruleKey(fip), old);
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
        this.priorities.release(ruleKey(item.moved));
        if (item.old !== undefined) this.priorities.adopt(ruleKey(item.fip), item.old);
      }
      // A moved floating IP's priority is its new rule's.
      results[item.index] = this.resultOf(item.moved, error, changed);
    });
    return results;
  }

  /**
   * Reconciles the whole node to `desired`: every router's qrouter rules (floating IPs
   * and SNAT) and routes (table 16 and SNAT tables), and the fip namespace's router
   * tables, router rules and floating-IP routes. A missing rule or route is added and
   * a stale one removed, each independently of the other; objects outside those
   * scopes are never touched. A second resync to the same state sends nothing.
   */
  async resync(desired: { routers: Router[]; fips: FloatingIp[] }): Promise<ResyncReport> {
    for (const r of desired.routers) this.routers.set(r.id, r);
    const byRouter = new Map<string, FloatingIp[]>(desired.routers.map((r) => [r.id, []]));
    for (const fip of desired.fips) {
      this.router(fip);
      byRouter.get(fip.routerId)!.push(fip);
    }
    const fip = await this.handle(this.external.namespace);
    const runs: Array<Promise<ReconcileResult<unknown, unknown>>> = [];
    // Each scope is narrowed to what the node writes (ownership.ts); a scope that
    // cannot be read (a router's fpr- device is gone) is that scope's failure.
    const run = (work: Promise<ReconcileResult<unknown, unknown>>) => runs.push(work.catch(failedRun));
    for (const r of desired.routers) {
      const q = await this.handle(r.namespace);
      const rules = byRouter.get(r.id)!.map((f) => fipRule(f, this.priorities.allocate(ruleKey(f))));
      run(reconcileOwned(q.rules, own.floatingIpRules(), rules));
      run(reconcileOwned(q.rules, own.snatRules(), snatRulesOf(r)));
      run(reconcileOwned(q.routes, own.defaultRouteOf(FIP_TABLE), this.qrouterRoutes(r).filter((x) => x.table === FIP_TABLE)));
      for (const s of r.subnets) run(reconcileOwned(q.routes, own.defaultRouteOf(snatIndex(s.address)), [snatRoute(s)]));
      run(reconcileOwned(fip.routes, own.defaultRouteOf(this.tableOf(r)), this.fipRouterRoutes(r)));
    }
    run(reconcileOwned(fip.rules, own.routerRules(), desired.routers.map((r) => this.fipRouterRule(r))));
    // Routers the node once had and the desired set has not (deleted while the agent was
    // down): their router rules go with the reconcile above, their tables here, and their
    // /32s with everyone's below.
    const stale = await this.staleRouters(fip, desired.routers);
    for (const s of stale) run(reconcileOwned(fip.routes, own.defaultRouteOf(s.table), []));
    const through = [
      ...desired.routers.map((r) => ({ fpr: deviceName('fpr-', r.id), rfp: linkLocalPair(r.linkLocalIndex).rfp })),
      ...stale.map((s) => ({ fpr: s.fpr, rfp: intToIpv4(s.table - 1) })),
    ];
    run(reconcileOwned(fip.routes, own.floatingIpRoutes(through), desired.fips.map((f) => this.fipRoute(f, this.router(f)))));
    const report: ResyncReport = { added: 0, removed: 0, unchanged: 0, failures: [] };
    for (const result of await Promise.all(runs)) {
      report.added += result.added.length;
      report.removed += result.removed.length;
      report.unchanged += result.unchanged.length;
      report.failures.push(...result.failures.map((f) => f.error));
    }
    // What is not desired holds no priority any more.
    const wanted = new Set(desired.fips.map(ruleKey));
    for (const key of this.priorities.keys()) if (!wanted.has(key)) this.priorities.release(key);
    return report;
  }

  // ---------------------------------------------------------------------------

  /**
   * Reads a bulk call's floating IPs, each checked whole before anything is sent: a
   * plan entry per good one (with what `extra` adds), a failed result in place of
   * each one that is malformed or that `extra` refuses.
   */
  private planFips<X>(fips: unknown, extra: (fip: FloatingIp) => X) {
    const given = denseList('fips', fips);
    const results: FipResult[] = new Array(given.length);
    const plan: Array<{ index: number; fip: FloatingIp; router: Router } & X> = [];
    given.forEach((value, index) => {
      try {
        const fip = readFloatingIp(`fips[${index}]`, value);
        plan.push({ index, fip, router: this.router(fip), ...extra(fip) });
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
      const namespace = where === 'fip' ? this.external.namespace : item.router.namespace;
      let entry = batches.get(namespace);
      if (!entry) batches.set(namespace, (entry = { batch: (await this.handle(namespace)).batch(), owner: [] }));
      const before = entry.batch.size;
      add(entry.batch, item);
      for (let k = before; k < entry.batch.size; k++) entry.owner.push(i);
    }
    await Promise.all([...batches.values()].map(async ({ batch, owner }) => {
      const results: BatchResult[] = await batch.commit();
      results.forEach((r, k) => {
        const o = outcomes[owner[k]];
        if (r.ok) o.changed ||= r.status === 'done';
        else o.error ??= 'error' in r ? r.error : new NlrouteError(`${items[owner[k]].fip.floatingIp}: ${r.status}`);
      });
    }));
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
    const seconds = await this.phase(passed.map((k) => plan[k]), second.where, second.add);
    const takeBack = passed.filter((k, j) => seconds[j].error && firsts[k].changed);
    await this.phase(takeBack.map((k) => plan[k]), first.where, takeBackFirst);
    const secondOf = new Map(passed.map((k, j) => [k, seconds[j]]));
    return plan.map((_, k) => ({
      error: firsts[k].error ?? secondOf.get(k)?.error,
      changed: firsts[k].changed || secondOf.get(k)?.changed === true,
    }));
  }

  private resultOf(fip: FloatingIp, error: NlrouteError | undefined, changed: boolean): FipResult {
    if (error) return { floatingIp: fip.floatingIp, ok: false, error };
    const result: FipResult = { floatingIp: fip.floatingIp, ok: true, priority: this.priorities.priorityOf(ruleKey(fip)) };
    if (!changed) result.unchanged = true;
    return result;
  }

  private async adoptPriorities(r: Router): Promise<void> {
    const q = await this.handle(r.namespace);
    const rules = await q.rules.list({ family: 4, table: FIP_TABLE });
    for (const rule of rules) {
      if (!rule.from || rule.priority < FIP_PRIORITY_START || rule.priority >= FIP_PRIORITY_END) continue;
      const key = ruleKey({ routerId: r.id, fixedIp: rule.from.replace(/\/32$/, '') });
      const holder = this.priorities.holderOf(rule.priority);
      if (holder !== undefined && holder !== key) {
        // The same priority in two qrouter namespaces (one of Neutron's leaks): the first
        // keeps it; this rule is reported, and a resync gives its floating IP a priority
        // of its own (the rule at the shared one is not desired, so it goes).
        this.conflicts.push({ priority: rule.priority, namespace: r.namespace, from: rule.from, heldBy: holder });
        continue;
      }
      // A duplicate (a second priority for one fixed IP) still holds its priority until removed.
      this.priorities.adopt(this.priorities.priorityOf(key) === undefined ? key : `${key}#${rule.priority}`, rule.priority);
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

  private tableOf(r: Router): number {
    return routerTable(linkLocalPair(r.linkLocalIndex).fpr);
  }

  /** Router rules in the fip namespace (`iif fpr-X lookup T pref T`) of no desired router. */
  private async staleRouters(fip: Handle, routers: Router[]): Promise<Array<{ fpr: string; table: number }>> {
    const wanted = new Set(routers.map((r) => this.tableOf(r)));
    const { scope, options } = own.routerRules();
    const rules = await fip.rules.list({ family: 4 });
    const [low, high] = scope.priority as [number, number];
    return rules
      .filter((rule) => rule.priority >= low && rule.priority <= high && options.owns!(rule) && !wanted.has(rule.priority))
      .map((rule) => ({ fpr: rule.iif!, table: rule.priority }));
  }

  private fipRouterRoutes(r: Router): RouteSpec[] {
    return [{ dst: 'default', via: this.external.gateway, dev: this.external.gatewayDevice, table: this.tableOf(r), protocol: STATIC }];
  }

  private fipRouterRule(r: Router): RuleSpec {
    const table = this.tableOf(r);
    return { iif: deviceName('fpr-', r.id), table, priority: table };
  }

  private qrouterRoutes(r: Router): RouteSpec[] {
    const pair = linkLocalPair(r.linkLocalIndex);
    return [
      { dst: 'default', via: pair.fpr, dev: deviceName('rfp-', r.id), table: FIP_TABLE, protocol: STATIC },
      ...r.subnets.map(snatRoute),
    ];
  }

  private fipRoute(fip: FloatingIp, r: Router): RouteSpec {
    return { dst: `${fip.floatingIp}/32`, via: linkLocalPair(r.linkLocalIndex).rfp, dev: deviceName('fpr-', r.id), protocol: STATIC };
  }
}

/** The allocator's key: a rule is one fixed IP of one router. */
function ruleKey(fip: Pick<FloatingIp, 'routerId' | 'fixedIp'>): string {
  return `${fip.routerId}/${fip.fixedIp}`;
}

function fipRule(fip: FloatingIp, priority: number | undefined): RuleSpec {
  return { from: fip.fixedIp, table: FIP_TABLE, ...(priority === undefined ? {} : { priority }) };
}

function snatRoute(s: { device: string; address: string; snatAddress: string }): RouteSpec {
  return { dst: 'default', via: s.snatAddress, dev: s.device, table: snatIndex(s.address), protocol: STATIC };
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

function snatRulesOf(r: Router): RuleSpec[] {
  return r.subnets.map((s) => ({ from: s.address, table: snatIndex(s.address), priority: snatIndex(s.address) }));
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

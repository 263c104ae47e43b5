// Checks a DVR node against what it should hold, with nlroute's own dumps and route
// lookups (the reference's correctness checks, section 10): exact rule and route sets
// per namespace, unique priorities in range, and the lookups a packet would make.
import { routesThroughRouters } from '../lib/dvr/ownership';
import { open, type Handle } from '../lib';
import {
  deviceName,
  FAST_PATH_PRIORITY,
  FIP_PRIORITY_END,
  FIP_PRIORITY_START,
  FIP_TABLE,
  ipv4Network,
  linkLocalFromMac,
  linkLocalPair,
  routerTable,
  snatIndex,
  type FloatingIp,
  type Router,
} from '../lib/dvr';
import { externalGateway, externalNexthop, extraRouteDestinations, type Topology } from './dvr-topology';
import { pushTo } from './push-to';

export class NodeChecker {
  private readonly handles = new Map<string, Promise<Handle>>();

  constructor(private readonly t: Topology) {}

  async close(): Promise<void> {
    const all = await Promise.all(this.handles.values());
    this.handles.clear();
    await Promise.all(all.map((h) => h.close()));
  }

  /**
   * Problems found (empty when the node is right): `fips` must be exactly what is
   * associated, with the priorities `priorityOf` says. `lookups`: how many associated
   * and unassociated fixed IPs to check with route get.
   */
  async check(priorityOf: (fip: FloatingIp) => number | undefined, fips: FloatingIp[], lookups = 8): Promise<string[]> {
    const problems: string[] = [];
    // Priorities are unique per external network (one pool per fip namespace).
    const seen = new Map<string, string>();
    const byRouter = new Map<string, FloatingIp[]>();
    for (const f of fips) pushTo(byRouter, f.routerId, f);

    await Promise.all(
      this.t.routers.map(async (r) => {
        const q = await this.handle(r.namespace);
        const rules = await q.rules.list({ family: 4 });
        const fipRules = rules.filter((x) => x.table === FIP_TABLE && x.priority >= FIP_PRIORITY_START && x.priority < FIP_PRIORITY_END);
        const want = (byRouter.get(r.id) ?? []).map((f) => `${f.fixedIp}/32@${priorityOf(f)}`).sort();
        const have = fipRules.map((x) => `${x.from}@${x.priority}`).sort();
        if (want.join() !== have.join())
          problems.push(`${r.namespace}: floating-IP rules ${have.length} found, ${want.length} wanted (${diff(have, want)})`);
        for (const x of fipRules) {
          const pool = `${this.t.fipOf(r).index}/${x.priority}`;
          const other = seen.get(pool);
          if (other !== undefined) problems.push(`priority ${x.priority} used twice (${other}, ${x.from})`);
          seen.set(pool, `${x.from}`);
        }
        const rules6 = await q.rules.list({ family: 6 });
        // SNAT redirects (both families) for subnets outside the address scope; the fast path for those inside.
        const snat = [...rules, ...rules6]
          .filter((x) => x.priority > FAST_PATH_PRIORITY || (x.priority > 32767 && rules6.includes(x)))
          .map((x) => `${x.from}@${x.table}@${x.priority}`)
          .sort();
        const snatWant = r.subnets
          .filter((s) => !s.addressScope)
          .map((s) => `${s.address}@${snatIndex(s.address)}@${snatIndex(s.address)}`)
          .sort();
        if (snat.join() !== snatWant.join()) problems.push(`${r.namespace}: SNAT rules ${diff(snat, snatWant)}`);
        const fast = rules
          .filter((x) => x.priority === FAST_PATH_PRIORITY)
          .map((x) => `${x.from}@${x.table}`)
          .sort();
        const fastWant = r.subnets
          .filter((s) => s.addressScope)
          .map((s) => `${ipv4Network(s.address)}@${FIP_TABLE}`)
          .sort();
        if (fast.join() !== fastWant.join()) problems.push(`${r.namespace}: address-scope rules ${diff(fast, fastWant)}`);
        if (rules.some((x) => x.iif)) problems.push(`${r.namespace}: has an iif rule`);
        problems.push(...(await this.qrouterMain(r, q)));
      }),
    );

    for (const external of this.t.externals) {
      const fipNs = await this.handle(external.namespace);
      const mine = this.t.routers.filter((r) => this.t.fipOf(r).namespace === external.namespace);
      // The node's routes through its routers, as the driver owns them (lib/dvr/ownership.ts):
      // the agent's own routes beside them (on-link subnets, NDP proxy) are not counted.
      const { owns } = routesThroughRouters(
        mine.map((r) => ({ fpr: deviceName('fpr-', r.id), rfp: linkLocalPair(r.linkLocalIndex).rfp })),
      ).options;
      const routes = (await fipNs.routes.list({ family: 4 }))
        .filter((x) => owns!(x))
        .map((x) => `${x.dst}>${x.via}>${x.dev}`)
        .sort();
      const routers = new Map(mine.map((r) => [r.id, r]));
      const wantRoutes = [
        ...fips
          .filter((f) => routers.has(f.routerId))
          .map((f) => {
            const r = routers.get(f.routerId)!;
            return `${f.floatingIp}/32>${linkLocalPair(r.linkLocalIndex).rfp}>${deviceName('fpr-', r.id)}`;
          }),
        ...mine.flatMap((r) =>
          r.subnets
            .filter((s) => s.addressScope)
            .map((s) => `${ipv4Network(s.address)}>${linkLocalPair(r.linkLocalIndex).rfp}>${deviceName('fpr-', r.id)}`),
        ),
      ].sort();
      if (routes.join() !== wantRoutes.join()) problems.push(`${external.namespace}: routes through routers ${diff(routes, wantRoutes)}`);
      if ((await fipNs.rules.list({ family: 4, table: FIP_TABLE })).length) problems.push(`${external.namespace}: has table-16 rules`);
      for (const r of mine) {
        const table = routerTable(linkLocalPair(r.linkLocalIndex).fpr);
        // A network that is not dual-stack leaves table T's IPv6 side to the agent.
        if (external.gateway6 !== undefined) {
          const v6 = (await fipNs.routes.list({ family: 6, table })).filter((x) => x.dst === 'default').map((x) => x.via);
          if (v6.join() !== external.gateway6)
            problems.push(`${external.namespace}: table ${table} IPv6 default ${diff(v6 as string[], [external.gateway6])}`);
        }
        if (r.extraRoutes !== undefined) {
          const extra = (await fipNs.routes.list({ family: 4, table, protocol: 'boot' })).map((x) => `${x.dst}>${x.via}`);
          const e = this.t.fipOf(r).index;
          const extraWant = [`${extraRouteDestinations(this.t.routers.indexOf(r)).external}>${externalNexthop(e)}`];
          if (extra.join() !== extraWant.join())
            problems.push(`${external.namespace}: table ${table} extra routes ${diff(extra, extraWant)}`);
        }
      }
    }

    problems.push(...(await this.lookups(fips, lookups)));
    return problems;
  }

  /**
   * A router's qrouter main table: the IPv6 default to its fpr- link-local address, and
   * its extra routes (ECMP through its subnets; those through the external network live in
   * table T only, the qrouter namespace having no way there).
   */
  private async qrouterMain(r: Router, q: Handle): Promise<string[]> {
    const problems: string[] = [];
    const fip = await this.handle(this.t.fipOf(r).namespace);
    const mac = (await fip.link(deviceName('fpr-', r.id)))?.address;
    const v6 = (await q.routes.list({ family: 6, table: 'main' })).filter((x) => x.dst === 'default').map((x) => `${x.via}>${x.dev}`);
    const v6Want = mac ? [`${linkLocalFromMac(mac)}>${deviceName('rfp-', r.id)}`] : [];
    if (v6.join() !== v6Want.join()) problems.push(`${r.namespace}: IPv6 default ${diff(v6, v6Want)}`);
    if (r.extraRoutes !== undefined) {
      const extra = (await q.routes.list({ table: 'main', protocol: 'static' }))
        .filter((x) => x.dst !== 'default')
        .map(
          (x) =>
            `${x.dst}>${
              x.via ??
              (x.nexthops ?? [])
                .map((h) => h.via)
                .sort()
                .join('+')
            }`,
        )
        .sort();
      const to = extraRouteDestinations(this.t.routers.indexOf(r));
      const hops = r.extraRoutes
        .filter((x) => x.destination === to.internal)
        .map((x) => x.nexthop)
        .sort();
      const extraWant = [
        `${to.internal}>${hops.join('+')}`,
        ...r.extraRoutes.filter((x) => x.destination === to.internal6).map((x) => `${x.destination}>${x.nexthop}`),
      ].sort();
      if (extra.join() !== extraWant.join()) problems.push(`${r.namespace}: extra routes ${diff(extra, extraWant)}`);
    }
    return problems;
  }

  /** What a torn-down node must not hold any more: rules beyond the defaults, static routes. */
  async leftovers(): Promise<string[]> {
    const problems: string[] = [];
    for (const ns of [...this.t.externals.map((e) => e.namespace), ...this.t.routers.map((r) => r.namespace)]) {
      const h = await this.handle(ns);
      const rules = (await h.rules.list({ family: 4 })).map((x) => x.priority);
      if (rules.join() !== '0,32766,32767') problems.push(`${ns}: rules at ${rules.join(', ')}`);
      const rules6 = (await h.rules.list({ family: 6 })).map((x) => x.priority);
      if (rules6.join() !== '0,32766') problems.push(`${ns}: IPv6 rules at ${rules6.join(', ')}`);
      for (const protocol of ['static', 'boot']) {
        const routes = await h.routes.list({ table: 'all', protocol });
        if (routes.length)
          problems.push(`${ns}: ${routes.length} ${protocol} routes left, first ${routes[0].dst} table ${routes[0].table}`);
      }
    }
    return problems;
  }

  /** route get as a packet would see it, for a sample of associated and unassociated fixed IPs. */
  private async lookups(fips: FloatingIp[], count: number): Promise<string[]> {
    const problems: string[] = [];
    const associated = new Set(fips.map((f) => `${f.routerId}/${f.fixedIp}`));
    for (const f of fips.slice(0, count)) {
      const r = this.t.routers.find((x) => x.id === f.routerId)!;
      const pair = linkLocalPair(r.linkLocalIndex);
      const { namespace, index } = this.t.fipOf(r);
      const fipNs = await this.handle(namespace);
      const gateway = externalGateway(index);
      const q = await this.handle(r.namespace);
      const out = await q.routes.get('198.18.0.1', { from: f.fixedIp, iif: r.subnets[0].device });
      if (out.table !== FIP_TABLE || out.via !== pair.fpr || out.dev !== deviceName('rfp-', r.id)) {
        problems.push(
          `${r.namespace}: ${f.fixedIp} leaves by table ${out.table} via ${out.via} dev ${out.dev}, not table 16 via ${pair.fpr}`,
        );
      }
      const back = await fipNs.routes.get(f.floatingIp, { from: gateway, iif: 'fg-ext' });
      if (back.via !== pair.rfp || back.dev !== deviceName('fpr-', r.id)) {
        problems.push(`fip namespace: ${f.floatingIp} comes in via ${back.via} dev ${back.dev}, not via ${pair.rfp}`);
      }
      const exit = await fipNs.routes.get('198.18.0.1', { from: f.floatingIp, iif: deviceName('fpr-', r.id) });
      if (exit.table !== routerTable(pair.fpr) || exit.via !== gateway) {
        problems.push(`fip namespace: traffic from ${f.floatingIp} leaves by table ${exit.table} via ${exit.via}`);
      }
      if (r.extraRoutes !== undefined) problems.push(...(await this.extraRouteLookups(r, f, q, fipNs)));
    }
    let unassociated = 0;
    for (const r of this.t.routers) {
      for (const fixed of this.t.fixedIps.get(r.id)!) {
        if (unassociated >= count || associated.has(`${r.id}/${fixed}`)) continue;
        unassociated++;
        const subnet = r.subnets.find((s) => !s.address.includes(':') && sameSubnet(s.address, fixed)) ?? r.subnets[0];
        const q = await this.handle(r.namespace);
        const out = await q.routes.get('198.18.0.1', { from: fixed, iif: subnet.device });
        if (subnet.addressScope) {
          // Routed without NAT: out by the fast path (pref 80000, table 16), and back in
          // through the fip namespace's route for the subnet.
          const pair = linkLocalPair(r.linkLocalIndex);
          if (out.table !== FIP_TABLE || out.via !== pair.fpr)
            problems.push(`${r.namespace}: ${fixed} (address scope) leaves by table ${out.table} via ${out.via}, not the fast path`);
          const { namespace, index } = this.t.fipOf(r);
          const back = await (await this.handle(namespace)).routes.get(fixed, { from: externalGateway(index), iif: 'fg-ext' });
          if (back.via !== pair.rfp || back.dev !== deviceName('fpr-', r.id))
            problems.push(`${namespace}: ${fixed} (address scope) comes in via ${back.via} dev ${back.dev}`);
        } else if (out.table !== snatIndex(subnet.address) || out.via !== subnet.snatAddress) {
          problems.push(`${r.namespace}: ${fixed} (no floating IP) leaves by table ${out.table} via ${out.via}, not SNAT`);
        }
      }
    }
    for (const r of this.t.routers.slice(0, count)) {
      const v6 = r.subnets.find((s) => s.address.includes(':'));
      if (!v6) continue;
      // IPv6 from a subnet: the main table's default (to the fpr- link-local address) comes
      // before the SNAT redirect's rule, as on a Neutron node.
      const q = await this.handle(r.namespace);
      const out = await q.routes.get('2001:db8:ffff::1', { from: v6.address.replace(/::1\/64$/, '::5'), iif: v6.device });
      if (out.dev !== deviceName('rfp-', r.id) || !out.via?.startsWith('fe80:'))
        problems.push(`${r.namespace}: IPv6 leaves via ${out.via} dev ${out.dev}, not the rfp- link-local gateway`);
    }
    return problems;
  }

  /** Extra routes as a packet meets them: ECMP through a subnet in qrouter, the external nexthop in table T. */
  private async extraRouteLookups(r: Router, f: FloatingIp, q: Handle, fipNs: Handle): Promise<string[]> {
    const problems: string[] = [];
    const to = extraRouteDestinations(this.t.routers.indexOf(r));
    const hops = r.extraRoutes!.filter((x) => x.destination === to.internal).map((x) => x.nexthop);
    const inside = await q.routes.get(to.internal.replace(/0\/24$/, '1'), { from: f.fixedIp, iif: r.subnets[0].device });
    if (inside.table !== 254 || !hops.includes(inside.via ?? ''))
      problems.push(`${r.namespace}: ${to.internal} goes via ${inside.via} (table ${inside.table}), not one of ${hops.join(', ')}`);
    const outside = await fipNs.routes.get(to.external.replace(/0\/24$/, '1'), { from: f.floatingIp, iif: deviceName('fpr-', r.id) });
    if (outside.via !== externalNexthop(this.t.fipOf(r).index))
      problems.push(`fip: ${to.external} from ${f.floatingIp} goes via ${outside.via}, not the extra route's nexthop`);
    return problems;
  }

  private handle(namespace: string): Promise<Handle> {
    let h = this.handles.get(namespace);
    if (!h) this.handles.set(namespace, (h = open({ netns: namespace })));
    return h;
  }
}

function sameSubnet(cidr: string, address: string): boolean {
  const [net, len] = cidr.split('/');
  const mask = Number(len) === 0 ? 0 : (~0 << (32 - Number(len))) >>> 0;
  const n = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  return (n(net) & mask) >>> 0 === (n(address) & mask) >>> 0;
}

function diff(have: string[], want: string[]): string {
  const h = new Set(have);
  const w = new Set(want);
  const extra = have.filter((x) => !w.has(x)).slice(0, 3);
  const missing = want.filter((x) => !h.has(x)).slice(0, 3);
  return `extra [${extra.join(' ')}] missing [${missing.join(' ')}]`;
}

// Checks a DVR node against what it should hold, with nlroute's own dumps and route
// lookups (the reference's correctness checks, section 10): exact rule and route sets
// per namespace, unique priorities in range, and the lookups a packet would make.
import { floatingIpRoutes } from '../lib/dvr/ownership';
import { open, type Handle } from '../lib';
import { deviceName, FIP_PRIORITY_END, FIP_PRIORITY_START, FIP_TABLE, linkLocalPair, routerTable, snatIndex, type FloatingIp } from '../lib/dvr';
import { EXTERNAL_GATEWAY, type Topology } from './dvr-topology';
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
    const seen = new Map<number, string>();
    const byRouter = new Map<string, FloatingIp[]>();
    for (const f of fips) pushTo(byRouter, f.routerId, f);

    await Promise.all(this.t.routers.map(async (r) => {
      const q = await this.handle(r.namespace);
      const rules = await q.rules.list({ family: 4 });
      const fipRules = rules.filter((x) => x.table === FIP_TABLE && x.priority >= FIP_PRIORITY_START && x.priority < FIP_PRIORITY_END);
      const want = (byRouter.get(r.id) ?? []).map((f) => `${f.fixedIp}/32@${priorityOf(f)}`).sort();
      const have = fipRules.map((x) => `${x.from}@${x.priority}`).sort();
      if (want.join() !== have.join()) problems.push(`${r.namespace}: floating-IP rules ${have.length} found, ${want.length} wanted (${diff(have, want)})`);
      for (const x of fipRules) {
        const other = seen.get(x.priority);
        if (other !== undefined) problems.push(`priority ${x.priority} used twice (${other}, ${x.from})`);
        seen.set(x.priority, `${x.from}`);
      }
      const snat = rules.filter((x) => x.priority > 80000).map((x) => `${x.from}@${x.table}@${x.priority}`).sort();
      const snatWant = r.subnets.map((s) => `${s.address}@${snatIndex(s.address)}@${snatIndex(s.address)}`).sort();
      if (snat.join() !== snatWant.join()) problems.push(`${r.namespace}: SNAT rules ${diff(snat, snatWant)}`);
      if (rules.some((x) => x.iif)) problems.push(`${r.namespace}: has an iif rule`);
    }));

    const fipNs = await this.handle(this.t.external.namespace);
    // The node's floating-IP routes, as the driver owns them (lib/dvr/ownership.ts): the
    // agent's own routes beside them (on-link subnets, address scopes) are not counted.
    const { owns } = floatingIpRoutes(this.t.routers.map((r) => ({ fpr: deviceName('fpr-', r.id), rfp: linkLocalPair(r.linkLocalIndex).rfp }))).options;
    const routes = (await fipNs.routes.list({ family: 4 })).filter((x) => owns!(x)).map((x) => `${x.dst}>${x.via}>${x.dev}`).sort();
    const routers = new Map(this.t.routers.map((r) => [r.id, r]));
    const wantRoutes = fips.map((f) => {
      const r = routers.get(f.routerId)!;
      return `${f.floatingIp}/32>${linkLocalPair(r.linkLocalIndex).rfp}>${deviceName('fpr-', r.id)}`;
    }).sort();
    if (routes.join() !== wantRoutes.join()) problems.push(`fip namespace: floating-IP routes ${diff(routes, wantRoutes)}`);
    if ((await fipNs.rules.list({ family: 4, table: FIP_TABLE })).length) problems.push('fip namespace: has table-16 rules');

    problems.push(...await this.lookups(fips, lookups));
    return problems;
  }

  /** What a torn-down node must not hold any more: rules beyond the defaults, static routes. */
  async leftovers(): Promise<string[]> {
    const problems: string[] = [];
    for (const ns of [this.t.external.namespace, ...this.t.routers.map((r) => r.namespace)]) {
      const h = await this.handle(ns);
      const rules = (await h.rules.list({ family: 4 })).map((x) => x.priority);
      if (rules.join() !== '0,32766,32767') problems.push(`${ns}: rules at ${rules.join(', ')}`);
      const routes = await h.routes.list({ family: 4, table: 'all', protocol: 'static' });
      if (routes.length) problems.push(`${ns}: ${routes.length} static routes left, first ${routes[0].dst} table ${routes[0].table}`);
    }
    return problems;
  }

  /** route get as a packet would see it, for a sample of associated and unassociated fixed IPs. */
  private async lookups(fips: FloatingIp[], count: number): Promise<string[]> {
    const problems: string[] = [];
    const associated = new Set(fips.map((f) => `${f.routerId}/${f.fixedIp}`));
    const fipNs = await this.handle(this.t.external.namespace);
    for (const f of fips.slice(0, count)) {
      const r = this.t.routers.find((x) => x.id === f.routerId)!;
      const pair = linkLocalPair(r.linkLocalIndex);
      const q = await this.handle(r.namespace);
      const out = await q.routes.get('198.18.0.1', { from: f.fixedIp, iif: r.subnets[0].device });
      if (out.table !== FIP_TABLE || out.via !== pair.fpr || out.dev !== deviceName('rfp-', r.id)) {
        problems.push(`${r.namespace}: ${f.fixedIp} leaves by table ${out.table} via ${out.via} dev ${out.dev}, not table 16 via ${pair.fpr}`);
      }
      const back = await fipNs.routes.get(f.floatingIp, { from: EXTERNAL_GATEWAY, iif: 'fg-ext' });
      if (back.via !== pair.rfp || back.dev !== deviceName('fpr-', r.id)) {
        problems.push(`fip namespace: ${f.floatingIp} comes in via ${back.via} dev ${back.dev}, not via ${pair.rfp}`);
      }
      const exit = await fipNs.routes.get('198.18.0.1', { from: f.floatingIp, iif: deviceName('fpr-', r.id) });
      if (exit.table !== routerTable(pair.fpr) || exit.via !== EXTERNAL_GATEWAY) {
        problems.push(`fip namespace: traffic from ${f.floatingIp} leaves by table ${exit.table} via ${exit.via}`);
      }
    }
    let unassociated = 0;
    for (const r of this.t.routers) {
      for (const fixed of this.t.fixedIps.get(r.id)!) {
        if (unassociated >= count || associated.has(`${r.id}/${fixed}`)) continue;
        unassociated++;
        const subnet = r.subnets.find((s) => sameSubnet(s.address, fixed)) ?? r.subnets[0];
        const q = await this.handle(r.namespace);
        const out = await q.routes.get('198.18.0.1', { from: fixed, iif: subnet.device });
        if (out.table !== snatIndex(subnet.address) || out.via !== subnet.snatAddress) {
          problems.push(`${r.namespace}: ${fixed} (no floating IP) leaves by table ${out.table} via ${out.via}, not SNAT`);
        }
      }
    }
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
  return ((n(net) & mask) >>> 0) === ((n(address) & mask) >>> 0);
}

function diff(have: string[], want: string[]): string {
  const h = new Set(have);
  const w = new Set(want);
  const extra = have.filter((x) => !w.has(x)).slice(0, 3);
  const missing = want.filter((x) => !h.has(x)).slice(0, 3);
  return `extra [${extra.join(' ')}] missing [${missing.join(' ')}]`;
}

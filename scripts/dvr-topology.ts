// A DVR compute node built in throwaway namespaces, for the FIP storm and the DVR
// tests: an external namespace with the upstream gateway, the fip namespace with
// fg-ext, and one qrouter namespace per router with its rfp-/fpr- veth to the fip
// namespace and its qr- subnets. A profile may make it dual-stack (IPv6 subnets and an
// IPv6 external gateway), give routers extra routes and address-scope subnets, and hang
// the routers off several external networks. Devices, addresses and sysctls are the
// environment, made with `ip` (one `ip -batch` per namespace); the routing state on
// top is nlroute's job. Every namespace is deleted by destroy(), also at exit.
import { execFileSync } from 'node:child_process';

import {
  deviceName,
  intToIpv4,
  ipv4ToInt,
  linkLocalPair,
  type DvrNodeOptions,
  type ExternalNetwork,
  type InternalSubnet,
  type Router,
} from '../lib/dvr';
import { ipBatch } from './ip-commands';
import { createNamespace, deleteNamespace } from './scratch-namespace';

export interface Profile {
  name: string;
  routers: number;
  fipsPerRouter: number;
  subnets: number;
  /** Every qr- port gets an IPv6 subnet too, and the external networks an IPv6 gateway. */
  ipv6?: boolean;
  /** Every router gets extra routes: ECMP through its subnets, and one through the external gateway's subnet. */
  extraRoutes?: boolean;
  /** Every second router's first subnet is in the external network's address scope (routed, no SNAT). */
  addressScopes?: boolean;
  /** External networks (fip namespaces); routers take them in turn. */
  externals?: number;
}

export const PROFILES: Record<string, Profile> = {
  smoke: { name: 'smoke', routers: 10, fipsPerRouter: 10, subnets: 1 },
  typical: { name: 'typical', routers: 100, fipsPerRouter: 10, subnets: 2 },
  stress: { name: 'stress', routers: 500, fipsPerRouter: 20, subnets: 2 },
  'prio-pool-limit': { name: 'prio-pool-limit', routers: 1000, fipsPerRouter: 40, subnets: 1 },
  'hot-router': { name: 'hot-router', routers: 1, fipsPerRouter: 2000, subnets: 1 },
  // What a production node carries beside the floating IPs.
  'dual-stack': {
    name: 'dual-stack',
    routers: 20,
    fipsPerRouter: 10,
    subnets: 2,
    ipv6: true,
    extraRoutes: true,
    addressScopes: true,
    externals: 2,
  },
};

/** External network e: its IPv4 subnet 203.0.(113+e).0/24 (gateway .1, fg- port .10), IPv6 2001:db8:f<e>::/64. */
export function externalGateway(e = 0): string {
  return `203.0.${113 + e}.1`;
}
export const EXTERNAL_GATEWAY = externalGateway(0);
const externalGateway6 = (e: number) => `2001:db8:f${e}::1`;
/** A nexthop on external network e's subnet, for extra routes that Neutron puts in table T. */
export const externalNexthop = (e: number) => `203.0.${113 + e}.50`;
/** Where a router's extra routes lead: ECMP through its subnets, and through the external network. */
export function extraRouteDestinations(r: number): { internal: string; external: string; internal6: string } {
  return { internal: `172.16.${r % 256}.0/24`, external: `172.31.${r % 256}.0/24`, internal6: `2001:db8:e${r.toString(16)}::/64` };
}
const FIP_BASE = ipv4ToInt('100.64.0.0'); // floating IPs: 100.64.0.0/10 has room for every profile

export interface Topology {
  profile: Profile;
  /** The upstream namespace of each external network. */
  extNamespaces: string[];
  /** The first external network; `externals` has them all. */
  external: ExternalNetwork;
  externals: ExternalNetwork[];
  routers: Router[];
  /** What DvrNode.open() takes for the external networks: `external`, or `externals` with ids. */
  networks: Pick<DvrNodeOptions, 'external' | 'externals'>;
  /** The fip namespace of a router's external network, and the network's index. */
  fipOf(r: Router): { namespace: string; index: number };
  /** Per router, the fixed IPs that may carry a floating IP (twice as many as it gets). */
  fixedIps: Map<string, string[]>;
  /** Floating IP i of the pool. */
  floatingIp(i: number): string;
  destroy(): void;
}

/** Subnet `index` of the node: a /20 per subnet, qr- at .1, the SNAT port at .3. */
function subnetBase(index: number): number {
  return ipv4ToInt('10.0.0.0') + index * 4096;
}

function sysctl(netns: string, ...settings: string[]): void {
  execFileSync('ip', ['netns', 'exec', netns, 'sysctl', '-qw', ...settings]);
}

/**
 * UUID-shaped ids, as Neutron's are, distinct in the characters its device names keep
 * (the first 10 for a router, 11 for a port), so that a name of the wrong length shows.
 */
export function routerId(n: number): string {
  return `${n.toString(16).padStart(8, '0')}-7f3e-4d21-9c5a-0d6f1e2a3b4c`;
}
function portId(n: number): string {
  return `${n.toString(16).padStart(8, '0')}-e5f6-4711-9a2b-3c4d5e6f7a8b`;
}

export function buildTopology(profile: Profile, prefix = 'dvr'): Topology {
  const created: string[] = [];
  const destroy = () => {
    for (const name of created.reverse()) deleteNamespace(name);
  };
  try {
    const count = profile.externals ?? 1;
    const extNamespaces: string[] = [];
    const externals: ExternalNetwork[] = [];
    for (let e = 0; e < count; e++) {
      const ext = createNamespace(`${prefix}-ext`);
      created.push(ext);
      const fip = createNamespace(`${prefix}-fip`);
      created.push(fip);
      const gateway = externalGateway(e);
      const fg = gateway.replace(/\.1$/, '.10');
      ipBatch(ext, [
        `link add ext-fg type veth peer name fg-ext netns ${fip}`,
        'link set ext-fg up',
        `addr add ${gateway}/24 dev ext-fg`,
        ...(profile.ipv6 ? [`addr add ${externalGateway6(e)}/64 dev ext-fg nodad`] : []),
      ]);
      ipBatch(fip, [
        'link set fg-ext up',
        `addr add ${fg}/24 dev fg-ext`,
        ...(profile.ipv6 ? [`addr add ${externalGateway6(e).replace(/::1$/, '::10')}/64 dev fg-ext nodad`] : []),
      ]);
      sysctl(fip, 'net.ipv4.ip_forward=1', 'net.ipv4.conf.fg-ext.proxy_arp=1');
      const external: ExternalNetwork = { namespace: fip, gatewayDevice: 'fg-ext', gateway, subnets: [`${fg}/24`] };
      if (count > 1) external.id = `ext${e}`;
      if (profile.ipv6) {
        external.gateway6 = externalGateway6(e);
        external.subnets!.push(`${externalGateway6(e).replace(/::1$/, '::10')}/64`);
      }
      extNamespaces.push(ext);
      externals.push(external);
    }
    const fipOf = (r: Router) => {
      const index = r.external === undefined ? 0 : externals.findIndex((x) => x.id === r.external);
      return { namespace: externals[index].namespace, index };
    };

    const routers: Router[] = [];
    const fixedIps = new Map<string, string[]>();
    for (let r = 0; r < profile.routers; r++) {
      const id = routerId(r);
      const q = createNamespace(`${prefix}-q`);
      created.push(q);
      const e = r % count;
      const fip = externals[e].namespace;
      const pair = linkLocalPair(r);
      const rfp = deviceName('rfp-', id);
      const fpr = deviceName('fpr-', id);
      const lines = [`link add ${rfp} type veth peer name ${fpr} netns ${fip}`, `link set ${rfp} up`, `addr add ${pair.rfp}/31 dev ${rfp}`];
      const subnets: InternalSubnet[] = [];
      const fixed: string[] = [];
      const internalHops: string[] = [];
      const internalHops6: string[] = [];
      for (let s = 0; s < profile.subnets; s++) {
        const n = r * profile.subnets + s;
        const base = subnetBase(n);
        const port = portId(n);
        const qr = deviceName('qr-', port);
        const peer = `qp-${port}`.slice(0, 14);
        lines.push(
          `link add ${qr} type veth peer name ${peer}`,
          `link set ${qr} up`,
          `link set ${peer} up`,
          `addr add ${intToIpv4(base + 1)}/20 dev ${qr}`,
        );
        const subnet: InternalSubnet = { device: qr, address: `${intToIpv4(base + 1)}/20`, snatAddress: intToIpv4(base + 3) };
        if (profile.addressScopes && s === 0 && r % 2 === 1) subnet.addressScope = true;
        subnets.push(subnet);
        internalHops.push(intToIpv4(base + 4));
        if (profile.ipv6) {
          const v6 = `2001:db8:${(n + 1).toString(16)}::`;
          lines.push(`addr add ${v6}1/64 dev ${qr} nodad`);
          subnets.push({ device: qr, address: `${v6}1/64`, snatAddress: `${v6}3` });
          internalHops6.push(`${v6}4`);
        }
        const perSubnet = Math.ceil((2 * profile.fipsPerRouter) / profile.subnets);
        for (let k = 0; k < perSubnet; k++) fixed.push(intToIpv4(base + 10 + k));
      }
      ipBatch(q, lines);
      sysctl(q, 'net.ipv4.ip_forward=1');
      const router: Router = { id, namespace: q, linkLocalIndex: r, subnets };
      if (count > 1) router.external = externals[e].id;
      if (profile.extraRoutes) {
        const to = extraRouteDestinations(r);
        router.extraRoutes = [
          ...internalHops.map((nexthop) => ({ destination: to.internal, nexthop })),
          { destination: to.external, nexthop: externalNexthop(e) },
          ...internalHops6.slice(0, 1).map((nexthop) => ({ destination: to.internal6, nexthop })),
        ];
      }
      routers.push(router);
      fixedIps.set(id, fixed);
    }
    for (const external of externals) {
      const mine = routers.filter((r) => fipOf(r).namespace === external.namespace);
      ipBatch(
        external.namespace,
        mine.flatMap((r) => [
          `link set ${deviceName('fpr-', r.id)} up`,
          `addr add ${linkLocalPair(r.linkLocalIndex).fpr}/31 dev ${deviceName('fpr-', r.id)}`,
        ]),
      );
    }
    return {
      profile,
      extNamespaces,
      external: externals[0],
      externals,
      networks: count > 1 ? { externals } : { external: externals[0] },
      fipOf,
      routers,
      fixedIps,
      floatingIp: (i) => intToIpv4(FIP_BASE + i),
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}

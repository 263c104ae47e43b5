// A DVR compute node built in throwaway namespaces, for the FIP storm and the DVR
// tests: an external namespace with the upstream gateway, the fip namespace with
// fg-ext, and one qrouter namespace per router with its rfp-/fpr- veth to the fip
// namespace and its qr- subnets. Devices, addresses and sysctls are the
// environment, made with `ip` (one `ip -batch` per namespace); the routing state on
// top is nlroute's job. Every namespace is deleted by destroy(), also at exit.
import { execFileSync, spawnSync } from 'node:child_process';

import { deviceName, intToIpv4, ipv4ToInt, linkLocalPair, type ExternalNetwork, type Router } from '../lib/dvr';
import { createNamespace, deleteNamespace } from './scratch-namespace';

export interface Profile {
  name: string;
  routers: number;
  fipsPerRouter: number;
  subnets: number;
}

export const PROFILES: Record<string, Profile> = {
  smoke: { name: 'smoke', routers: 10, fipsPerRouter: 10, subnets: 1 },
  typical: { name: 'typical', routers: 100, fipsPerRouter: 10, subnets: 2 },
  stress: { name: 'stress', routers: 500, fipsPerRouter: 20, subnets: 2 },
  'prio-pool-limit': { name: 'prio-pool-limit', routers: 1000, fipsPerRouter: 40, subnets: 1 },
  'hot-router': { name: 'hot-router', routers: 1, fipsPerRouter: 2000, subnets: 1 },
};

export const EXTERNAL_GATEWAY = '203.0.113.1';
const FIP_BASE = ipv4ToInt('100.64.0.0'); // floating IPs: 100.64.0.0/10 has room for every profile

export interface Topology {
  profile: Profile;
  extNamespace: string;
  external: ExternalNetwork;
  routers: Router[];
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

function ipBatch(netns: string, lines: string[]): void {
  const r = spawnSync('ip', ['-n', netns, '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -n ${netns} -batch: ${r.stderr.trim()}`);
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
    const ext = createNamespace(`${prefix}-ext`);
    created.push(ext);
    const fip = createNamespace(`${prefix}-fip`);
    created.push(fip);
    ipBatch(ext, [
      `link add ext-fg type veth peer name fg-ext netns ${fip}`,
      'link set ext-fg up',
      `addr add ${EXTERNAL_GATEWAY}/24 dev ext-fg`,
    ]);
    ipBatch(fip, ['link set fg-ext up', 'addr add 203.0.113.10/24 dev fg-ext']);
    sysctl(fip, 'net.ipv4.ip_forward=1', 'net.ipv4.conf.fg-ext.proxy_arp=1');

    const routers: Router[] = [];
    const fixedIps = new Map<string, string[]>();
    for (let r = 0; r < profile.routers; r++) {
      const id = routerId(r);
      const q = createNamespace(`${prefix}-q`);
      created.push(q);
      const pair = linkLocalPair(r);
      const rfp = deviceName('rfp-', id);
      const fpr = deviceName('fpr-', id);
      const lines = [
        `link add ${rfp} type veth peer name ${fpr} netns ${fip}`,
        `link set ${rfp} up`,
        `addr add ${pair.rfp}/31 dev ${rfp}`,
      ];
      const subnets = [];
      const fixed: string[] = [];
      for (let s = 0; s < profile.subnets; s++) {
        const base = subnetBase(r * profile.subnets + s);
        const port = portId(r * profile.subnets + s);
        const qr = deviceName('qr-', port);
        const peer = `qp-${port}`.slice(0, 14);
        lines.push(`link add ${qr} type veth peer name ${peer}`, `link set ${qr} up`, `link set ${peer} up`,
          `addr add ${intToIpv4(base + 1)}/20 dev ${qr}`);
        subnets.push({ device: qr, address: `${intToIpv4(base + 1)}/20`, snatAddress: intToIpv4(base + 3) });
        const perSubnet = Math.ceil((2 * profile.fipsPerRouter) / profile.subnets);
        for (let k = 0; k < perSubnet; k++) fixed.push(intToIpv4(base + 10 + k));
      }
      ipBatch(q, lines);
      sysctl(q, 'net.ipv4.ip_forward=1');
      routers.push({ id, namespace: q, linkLocalIndex: r, subnets });
      fixedIps.set(id, fixed);
    }
    ipBatch(fip, routers.flatMap((r) => [`link set ${deviceName('fpr-', r.id)} up`,
      `addr add ${linkLocalPair(r.linkLocalIndex).fpr}/31 dev ${deviceName('fpr-', r.id)}`]));
    return {
      profile,
      extNamespace: ext,
      external: { namespace: fip, gatewayDevice: 'fg-ext', gateway: EXTERNAL_GATEWAY },
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

// Everything one router has on a DVR node, apart from its floating IPs: per scope the
// node owns (ownership.ts), the objects that should be there. setupRouters writes these,
// resync reconciles each scope to them, teardownRouters reconciles each to nothing,
// so the three never disagree about what a router is.
import { parsePrefix, type Family } from '../address';
import type { Route, RouteScope, RouteSpec } from '../routes/types';
import type { Rule, RuleScope, RuleSpec } from '../rules/types';
import {
  deviceName,
  FAST_PATH_PRIORITY,
  FIP_TABLE,
  ipv4Network,
  linkLocalFromMac,
  linkLocalPair,
  prefixContains,
  routerTable,
  snatIndex,
} from './derive';
import type { ExternalNetwork, InternalSubnet, Router } from './model';
import * as own from './ownership';

const STATIC = 'static';
const BOOT = 'boot';
const FAMILIES: Family[] = [4, 6];

export type OwnedState =
  | { where: 'qrouter' | 'fip'; kind: 'rules'; owned: own.Owned<RuleScope, Rule>; desired: RuleSpec[] }
  | { where: 'qrouter' | 'fip'; kind: 'routes'; owned: own.Owned<RouteScope, Route>; desired: RouteSpec[] };

/** A router's table in the fip namespace: the integer of its fpr- address. */
export function tableOf(r: Router): number {
  return routerTable(linkLocalPair(r.linkLocalIndex).fpr);
}

/** Where a router's fip-namespace routes point: its fpr- device, via its rfp- address. */
export function throughRouter(r: Router): { fpr: string; rfp: string } {
  return { fpr: deviceName('fpr-', r.id), rfp: linkLocalPair(r.linkLocalIndex).rfp };
}

/**
 * The router's scopes and what each should hold. `fprMac` is the fpr- device's MAC
 * (the router's IPv6 default goes to its link-local address); without it that one
 * scope is left out, and the caller reports why.
 */
export function routerState(r: Router, external: ExternalNetwork, fprMac: string | undefined): OwnedState[] {
  const pair = linkLocalPair(r.linkLocalIndex);
  const rfp = deviceName('rfp-', r.id);
  const table = tableOf(r);
  const natted = r.subnets.filter((s) => !s.addressScope);
  const states: OwnedState[] = [
    // qrouter: the floating IPs' way out, to the fip namespace.
    {
      where: 'qrouter',
      kind: 'routes',
      owned: own.defaultRouteOf(FIP_TABLE),
      desired: [{ dst: 'default', via: pair.fpr, dev: rfp, table: FIP_TABLE, protocol: STATIC }],
    },
    // qrouter: SNAT redirects, per family, and address-scope subnets' fast path instead.
    ...FAMILIES.map((family): OwnedState => ({
      where: 'qrouter',
      kind: 'rules',
      owned: own.snatRules(family),
      desired: natted.filter((s) => familyOf(s) === family).map(snatRule),
    })),
    {
      where: 'qrouter',
      kind: 'rules',
      owned: own.fastPathRules(),
      desired: r.subnets
        .filter((s) => s.addressScope)
        .map((s) => ({
          from: ipv4Network(s.address),
          table: FIP_TABLE,
          priority: FAST_PATH_PRIORITY,
        })),
    },
    // A subnet in the address scope has no SNAT table: one left from before is emptied.
    ...r.subnets.map((s): OwnedState => ({
      where: 'qrouter',
      kind: 'routes',
      owned: own.defaultRouteOf(snatIndex(s.address), familyOf(s)),
      desired: s.addressScope ? [] : [snatRoute(s)],
    })),
    // fip: the router's table T, the way out to the external gateway(s).
    {
      where: 'fip',
      kind: 'routes',
      owned: own.defaultRouteOf(table),
      desired: [{ dst: 'default', via: external.gateway, dev: external.gatewayDevice, table, protocol: STATIC }],
    },
  ];
  if (fprMac !== undefined) {
    states.push({
      where: 'qrouter',
      kind: 'routes',
      owned: own.ipv6DefaultThrough(rfp),
      desired: [{ family: 6, dst: 'default', via: linkLocalFromMac(fprMac), dev: rfp, protocol: STATIC }],
    });
  }
  if (external.gateway6 !== undefined) {
    states.push({
      where: 'fip',
      kind: 'routes',
      owned: own.defaultRouteOf(table, 6),
      desired: [{ family: 6, dst: 'default', via: external.gateway6, dev: external.gatewayDevice, table, protocol: STATIC }],
    });
  }
  if (r.extraRoutes !== undefined) states.push(...extraRouteStates(r, external, rfp, table));
  return states;
}

/**
 * A router's extra routes, as they end up on a Neutron node. Neutron writes each into
 * qrouter's main table (one route per destination, multipath when it has several
 * nexthops) and, when the nexthop is on the external network, into the router's table T
 * with `proto boot`. The qrouter namespace has no way to the external network, so there
 * the kernel refuses such a nexthop (Neutron ignores the failure): the node writes a
 * destination's internal nexthops in qrouter, its external one in table T (Neutron
 * replaces once per nexthop, so the last external nexthop is the one that stays).
 */
function extraRouteStates(r: Router, external: ExternalNetwork, rfp: string, table: number): OwnedState[] {
  const byDestination = new Map<string, string[]>();
  for (const route of r.extraRoutes ?? []) {
    const hops = byDestination.get(route.destination) ?? [];
    if (!hops.includes(route.nexthop)) hops.push(route.nexthop);
    byDestination.set(route.destination, hops);
  }
  const onExternal = (hop: string) => (external.subnets ?? []).some((cidr) => prefixContains(cidr, hop));
  const qrouter: RouteSpec[] = [];
  const fip: RouteSpec[] = [];
  for (const [dst, hops] of byDestination) {
    const inside = hops.filter((hop) => !onExternal(hop));
    const outside = hops.filter(onExternal);
    if (inside.length === 1) qrouter.push({ dst, via: inside[0], protocol: STATIC });
    if (inside.length > 1) qrouter.push({ dst, nexthops: inside.map((via) => ({ via })), protocol: STATIC });
    if (outside.length) fip.push({ dst, via: outside[outside.length - 1], table, protocol: BOOT });
  }
  return FAMILIES.flatMap((family): OwnedState[] => [
    {
      where: 'qrouter',
      kind: 'routes',
      owned: own.extraRoutes(family, rfp),
      desired: qrouter.filter((x) => familyOfPrefix(x.dst!) === family),
    },
    {
      where: 'fip',
      kind: 'routes',
      owned: own.tableExtraRoutes(table, family),
      desired: fip.filter((x) => familyOfPrefix(x.dst!) === family),
    },
  ]);
}

/** An address-scope subnet's route in the fip namespace's main table, back through the router. */
export function addressScopeRoutes(r: Router): RouteSpec[] {
  const { fpr, rfp } = throughRouter(r);
  return r.subnets.filter((s) => s.addressScope).map((s) => ({ dst: ipv4Network(s.address), via: rfp, dev: fpr, protocol: STATIC }));
}

function snatRule(s: InternalSubnet): RuleSpec {
  const index = snatIndex(s.address);
  return { from: s.address, table: index, priority: index };
}

function snatRoute(s: InternalSubnet): RouteSpec {
  return { family: familyOf(s), dst: 'default', via: s.snatAddress, dev: s.device, table: snatIndex(s.address), protocol: STATIC };
}

function familyOf(s: InternalSubnet): Family {
  return familyOfPrefix(s.address);
}

function familyOfPrefix(prefix: string): Family {
  return parsePrefix('prefix', prefix).family;
}

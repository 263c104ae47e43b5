// What a DVR node owns: the one rule every resync and teardown follows. A compute node's
// namespaces hold objects the L3 agent writes beside the node's (on-link routes for extra
// external subnets, the off-subnet gateway route, NDP-proxy routes, and, when the node is
// not told to manage them, router extra routes), often in the same tables and with the
// same protocol. So a scope (what the kernel lists: family, table, protocol, priority
// range) is always narrowed by the exact shape of what the node writes; an object
// outside that shape is never deleted, whatever else it shares with the node's.
//
// | where | scope | owned when |
// |---|---|---|
// | qrouter | IPv4 rules, table 16, priorities 32768..72767 | `from` is one address (/32): a floating IP |
// | qrouter | IPv4 rules, priority 80000 | lookup 16: an address-scope subnet's fast path |
// | qrouter | IPv4 rules, priorities 80001 and up | priority equals table: Neutron's SNAT redirect, `pref I lookup I` |
// | qrouter | IPv6 rules, priorities 32768 and up | priority equals table: the IPv6 SNAT redirect |
// | qrouter | routes, table 16 (IPv4) and each subnet's table I (its family) | the default route |
// | qrouter | IPv6 routes, main table | the default route through the router's rfp- device |
// | qrouter | routes, main table, proto static, each family | a route with a gateway (not the one above), only for a router given `extraRoutes` |
// | fip | routes, each router's table T, IPv4 (and IPv6 for a dual-stack network) | the default route |
// | fip | routes, each router's table T, proto boot, each family | any, only for a router given `extraRoutes` |
// | fip | IPv4 rules, priorities in the router-table range | `iif fpr-...` and priority equals table |
// | fip | IPv4 routes, main table | through one of the node's routers: its fpr- device, via its rfp- address (floating-IP /32s and address-scope subnets, any protocol) |
//
// So no route of protocol kernel without a gateway, other than a default, is ever the
// node's: the kernel's own routes for addresses (connected prefixes, local and multicast
// routes, IPv6 link-local) are outside every scope above.
import type { Family } from '../address';
import type { ReconcileOptions } from '../reconcile';
import { RTPROT_BOOT, RTPROT_KERNEL, RTPROT_STATIC } from '../routes/codes';
import type { Route, RouteScope } from '../routes/types';
import type { Rule, RuleScope } from '../rules/types';
import { FAST_PATH_PRIORITY, FIP_PRIORITY_END, FIP_PRIORITY_START, FIP_TABLE, LINK_LOCAL_BASE, LINK_LOCAL_PAIRS } from './derive';

export interface Owned<S, T> {
  scope: S;
  options: ReconcileOptions<T>;
}

/** Router tables (and their rules' priorities) in the fip namespace: the integers of fpr- addresses. */
export const ROUTER_TABLES: [number, number] = [LINK_LOCAL_BASE + 1, LINK_LOCAL_BASE + 2 * LINK_LOCAL_PAIRS - 1];
/**
 * SNAT-redirect rules: IPv4 ones sit above the floating IPs' and the fast path's
 * (int(qr IP) is above 80000 for any address Neutron hands a qr port); the IPv6 index is
 * 32768 or more by construction, and IPv6 has no floating-IP rules to collide with.
 */
const SNAT_PRIORITIES: Record<Family, [number, number]> = { 4: [FAST_PATH_PRIORITY + 1, 0xffffffff], 6: [32768, 0xffffffff] };

const isDefault = (route: Route) => route.dst === 'default';
const isHost = (prefix: string | undefined) => prefix !== undefined && prefix.endsWith('/32');
const hasGateway = (route: Route) => route.via !== undefined || (route.nexthops ?? []).some((hop) => hop.via !== undefined);

/** A route of the kernel's bookkeeping of addresses: the node owns none (see the table above). */
export function isAddressBookkeeping(route: Route): boolean {
  return route.protocol === RTPROT_KERNEL && !isDefault(route) && !hasGateway(route);
}

export function floatingIpRules(): Owned<RuleScope, Rule> {
  return {
    scope: { family: 4, table: FIP_TABLE, priority: [FIP_PRIORITY_START, FIP_PRIORITY_END - 1] },
    options: { owns: (rule) => isHost(rule.from) },
  };
}

export function fastPathRules(): Owned<RuleScope, Rule> {
  return {
    scope: { family: 4, priority: [FAST_PATH_PRIORITY, FAST_PATH_PRIORITY] },
    options: { owns: (rule) => rule.table === FIP_TABLE },
  };
}

export function snatRules(family: Family): Owned<RuleScope, Rule> {
  return { scope: { family, priority: SNAT_PRIORITIES[family] }, options: { owns: (rule) => rule.table === rule.priority } };
}

/** The default route of one table (table 16, a SNAT table, a router's table T). */
export function defaultRouteOf(table: number, family: Family = 4): Owned<RouteScope, Route> {
  return { scope: { family, table }, options: { owns: isDefault } };
}

/** A router's IPv6 default in qrouter's main table, through its rfp- device. */
export function ipv6DefaultThrough(rfp: string): Owned<RouteScope, Route> {
  return { scope: { family: 6, table: 'main' }, options: { owns: (route) => isDefault(route) && route.dev === rfp } };
}

/** A router's extra routes in qrouter's main table (for a router given `extraRoutes`). */
export function extraRoutes(family: Family, rfp: string): Owned<RouteScope, Route> {
  return {
    scope: { family, table: 'main', protocol: RTPROT_STATIC },
    options: { owns: (route) => hasGateway(route) && !(isDefault(route) && route.dev === rfp) },
  };
}

/** A router's extra routes in its table T of the fip namespace (Neutron writes them proto boot). */
export function tableExtraRoutes(table: number, family: Family): Owned<RouteScope, Route> {
  return { scope: { family, table, protocol: RTPROT_BOOT }, options: { owns: () => true } };
}

export function routerRules(): Owned<RuleScope, Rule> {
  return {
    scope: { family: 4, priority: ROUTER_TABLES },
    options: { owns: (rule) => typeof rule.iif === 'string' && rule.iif.startsWith('fpr-') && rule.table === rule.priority },
  };
}

/**
 * The fip namespace's routes through any of these routers (their fpr- device, via their
 * rfp- address): floating-IP /32s and address-scope subnets. One scope for all, so that
 * a /32 that moved from one router to another is deleted before it is added again.
 */
export function routesThroughRouters(routers: Array<{ fpr: string; rfp: string }>): Owned<RouteScope, Route> {
  const through = new Set(routers.map((r) => `${r.fpr} ${r.rfp}`));
  return {
    scope: { family: 4, table: 'main' },
    options: { owns: (route) => through.has(`${route.dev} ${route.via}`) },
  };
}

// What a DVR node owns: the one rule every resync and teardown follows. A compute node's
// namespaces hold objects the L3 agent writes beside the node's (on-link routes for extra
// external subnets, the off-subnet gateway route, IPv6 defaults, router extra routes,
// address-scope routes, IPv6 SNAT rules), often in the same tables and with the same
// protocol. So a scope (what the kernel lists: family, table, device, priority range) is
// always narrowed by the exact shape of what the node writes; an object outside that
// shape is never deleted, whatever else it shares with the node's.
//
// | where | scope | owned when |
// |---|---|---|
// | qrouter | IPv4 rules, table 16, priorities 32768..72767 | `from` is one address (/32) |
// | qrouter | IPv4 rules, priorities 80001 and up | priority equals table (Neutron's SNAT redirect, `pref I lookup I`) |
// | qrouter | IPv4 routes, table 16 | the default route |
// | qrouter | IPv4 routes, each subnet's table I | the default route |
// | fip | IPv4 routes, each router's table T | the default route |
// | fip | IPv4 rules, priorities in the router-table range | `iif fpr-...` and priority equals table |
// | fip | IPv4 routes, main table | a /32 through one of the node's routers: its fpr- device, via its rfp- address (any protocol) |
import type { ReconcileOptions } from '../reconcile';
import type { Route, RouteScope } from '../routes/types';
import type { Rule, RuleScope } from '../rules/types';
import { FIP_PRIORITY_END, FIP_PRIORITY_START, FIP_TABLE, LINK_LOCAL_BASE, LINK_LOCAL_PAIRS } from './derive';

export interface Owned<S, T> {
  scope: S;
  options: ReconcileOptions<T>;
}

/** Router tables (and their rules' priorities) in the fip namespace: the integers of fpr- addresses. */
export const ROUTER_TABLES: [number, number] = [LINK_LOCAL_BASE + 1, LINK_LOCAL_BASE + 2 * LINK_LOCAL_PAIRS - 1];
/** SNAT-redirect rules sit above the floating IPs' (and the address-scope rule at 80000). */
const SNAT_PRIORITIES: [number, number] = [80001, 0xffffffff];

const isDefault = (route: Route) => route.dst === 'default';
const isHost = (prefix: string | undefined) => prefix !== undefined && prefix.endsWith('/32');

export function floatingIpRules(): Owned<RuleScope, Rule> {
  return {
    scope: { family: 4, table: FIP_TABLE, priority: [FIP_PRIORITY_START, FIP_PRIORITY_END - 1] },
    options: { owns: (rule) => isHost(rule.from) },
  };
}

export function snatRules(): Owned<RuleScope, Rule> {
  return { scope: { family: 4, priority: SNAT_PRIORITIES }, options: { owns: (rule) => rule.table === rule.priority } };
}

/** The default route of one table (table 16, a SNAT table, a router's table T). */
export function defaultRouteOf(table: number): Owned<RouteScope, Route> {
  return { scope: { family: 4, table }, options: { owns: isDefault } };
}

export function routerRules(): Owned<RuleScope, Rule> {
  return {
    scope: { family: 4, priority: ROUTER_TABLES },
    options: { owns: (rule) => typeof rule.iif === 'string' && rule.iif.startsWith('fpr-') && rule.table === rule.priority },
  };
}

/**
 * The floating-IP /32s through any of these routers (their fpr- device, via their rfp-
 * address): one scope for all, so that a /32 that moved from one router to another is
 * deleted before it is added again.
 */
export function floatingIpRoutes(routers: Array<{ fpr: string; rfp: string }>): Owned<RouteScope, Route> {
  const through = new Set(routers.map((r) => `${r.fpr} ${r.rfp}`));
  return {
    scope: { family: 4, table: 'main' },
    options: { owns: (route) => isHost(route.dst) && through.has(`${route.dev} ${route.via}`) },
  };
}

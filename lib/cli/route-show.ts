// `ip route show SELECTOR` and `ip route flush SELECTOR`: what list() can select
// (table, protocol, type, device, tos, scope and metric in the kernel, the
// destination's exact/root/match natively) goes to list(); the rest is kept here
// with iproute2's meanings (source prefixes, gateway and src prefixes, realms).
import type { Family } from '../address';
import type { Handle } from '../handle';
import type { Route, RouteFilter } from '../routes/types';
import type { HiddenFields } from './print-route';
import { insidePrefix, selectorMatches } from './prefix-match';
import type { RouteShowFilter } from './route-grammar';

/**
 * `missingTable`: a table that was never created fails the command (`ip route show
 * table N`), or lists as empty (what `ip -batch` does with the same line).
 */
export async function shownRoutes(handle: Handle, filter: RouteShowFilter, missingTable: 'error' | 'empty'): Promise<Route[]> {
  // Like iproute2: one table means IPv4 unless -6 says otherwise; `table all` means both.
  const family: Family | undefined = filter.family ?? (filter.table === 'all' ? undefined : 4);
  // A gateway may be of the other family (RTA_VIA); the other selectors may not.
  for (const selector of [filter.dst?.prefix, filter.from?.prefix, filter.src]) {
    if (selector?.family !== undefined && family !== undefined && selector.family !== family) return [];
  }
  const query: RouteFilter = { family, table: filter.table ?? 'main', missingTable };
  if (filter.protocol !== undefined) query.protocol = filter.protocol;
  if (filter.scope !== undefined) query.scope = filter.scope;
  if (filter.type !== undefined) query.type = filter.type;
  if (filter.dev !== undefined) query.dev = filter.dev;
  if (filter.tos !== undefined) query.tos = filter.tos;
  if (filter.metric !== undefined) query.metric = filter.metric;
  if (filter.dst) query[filter.dst.kind === 'exact' ? 'dst' : filter.dst.kind] = filter.dst.prefix.prefix ?? 'default';
  const routes = await handle.routes.list(query);
  return routes.filter((route) => {
    // The kernel's device filter also keeps multipath routes with a hop on it; iproute2 does not.
    if (filter.dev !== undefined && route.dev !== filter.dev) return false;
    if (filter.from && !selectorMatches(route.from, filter.from)) return false;
    if (filter.via && (route.via === undefined || !insidePrefix(route.via, filter.via))) return false;
    if (filter.src && (route.src === undefined || !insidePrefix(route.src, filter.src))) return false;
    if (filter.realms !== undefined && !sameRealms(route.realms ?? 0, filter.realms, filter.realmsBoth)) return false;
    return true;
  });
}

/** The fields iproute2 leaves out of each line because the filter fixed them. */
export function hiddenFields(filter: RouteShowFilter): HiddenFields {
  return {
    // every table but `all`, main included: `ip -d route show` prints no `table main`
    table: filter.table !== 'all',
    dev: filter.dev !== undefined,
    protocol: filter.protocol !== undefined,
    scope: filter.scope !== undefined,
    tos: filter.tos !== undefined,
    viaHost: filter.via?.host === true,
    srcHost: filter.src?.host === true,
    realms: filter.realmsBoth === true,
  };
}

// `realms TO` compares the low 16 bits, `realms FROM/TO` all 32, as iproute2 does.
function sameRealms(realms: number, wanted: number, both = false): boolean {
  return both ? realms >>> 0 === wanted >>> 0 : (realms & 0xffff) === (wanted & 0xffff);
}

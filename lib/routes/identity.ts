// When are two routes the same route? Compared as records, as an add would send
// them, after filling in what the kernel fills in (IPv6 metric 1024, router
// preference medium, the device of a gateway) and leaving out what changes by
// itself (expires).
import { AF, type RouteRecord } from '../native';
import { RT_SCOPE } from './codes';
import { sameValue, stableJson } from '../stable-json';

/** A route's metric as the kernel keeps it: IPv6 stores none (0) as 1024. */
export function routeMetric(record: RouteRecord): number {
  return record.priority ?? (record.family === AF.INET6 ? 1024 : 0);
}

export function routeIdentity(record: RouteRecord): string {
  const r: Record<string, unknown> = { ...record, priority: routeMetric(record) };
  for (const key of ['tos', 'flags', 'pref'] as const) if (!r[key]) delete r[key];
  delete r.expires;
  return stableJson(r);
}

/**
 * The identities of a route the kernel lists: as it is, and, for a route with
 * gateways, also without their devices, which the kernel fills in when the route
 * was added with gateways alone (a single path's, or every path's of a multipath route).
 */
export function routeIdentities(record: RouteRecord): string[] {
  const identities = [routeIdentity(record)];
  if (record.gateway !== undefined && record.oif !== undefined && !record.nexthops) {
    const { oif: _oif, ...withoutDevice } = record;
    identities.push(routeIdentity(withoutDevice));
  }
  const hops = record.nexthops;
  if (hops && hops.length > 0 && hops.every((hop) => hop.gateway !== undefined && hop.ifindex !== undefined)) {
    const withoutDevices = hops.map(({ ifindex: _ifindex, ...hop }) => hop);
    identities.push(routeIdentity({ ...record, nexthops: withoutDevices }));
  }
  return identities;
}

/** The kernel's key of a route: IPv4 (table, dst, tos, metric); IPv6 (table, dst, src, metric). */
export function sameRouteKey(a: RouteRecord, b: RouteRecord): boolean {
  if (a.family !== b.family || (a.table ?? 254) !== (b.table ?? 254) || routeMetric(a) !== routeMetric(b)) return false;
  if ((a.dst ?? '') !== (b.dst ?? '') || (a.dstLen ?? 0) !== (b.dstLen ?? 0)) return false;
  if (a.family === AF.INET6) return (a.src ?? '') === (b.src ?? '') && (a.srcLen ?? 0) === (b.srcLen ?? 0);
  return (a.tos ?? 0) === (b.tos ?? 0);
}

/**
 * Whether a listed route is what a request's record describes: every field the
 * record carries is equal, except the ones a delete leaves open (type 0, protocol 0,
 * scope nowhere; IPv6 ignores type and scope).
 */
export function routeCovers(seen: RouteRecord, wanted: RouteRecord): boolean {
  const v6 = wanted.family === AF.INET6;
  for (const key of Object.keys(wanted) as Array<keyof RouteRecord>) {
    const want = wanted[key];
    if (want === undefined) continue;
    if (key === 'type' && (want === 0 || v6)) continue;
    if (key === 'protocol' && want === 0) continue;
    if (key === 'scope' && (want === RT_SCOPE.NOWHERE || v6)) continue;
    if (key === 'gateway' && v6 && seen.nexthops?.some((hop) => hop.gateway === want)) continue;
    if (key === 'priority' && want === 0) continue;
    let have = seen[key];
    // IPv6 stores metric 0 as 1024; IPv4 lists a metric-0 route without one.
    if (key === 'priority' && have === undefined) have = 0;
    if (!sameValue(have, want)) return false;
  }
  // A tos route is another key in IPv4: a record without tos means tos 0.
  return v6 || (seen.tos ?? 0) === (wanted.tos ?? 0);
}

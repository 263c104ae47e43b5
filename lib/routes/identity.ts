// When are two routes the same route? Compared as records, as an add would send
// them, after filling in what the kernel fills in (IPv6 metric 1024, router
// preference medium, the device of a gateway) and leaving out what changes by
// itself (expires).
import { AF, type RouteRecord } from '../native';
import { stableJson } from '../stable-json';

export function routeIdentity(record: RouteRecord): string {
  const v6 = record.family === AF.INET6;
  const r: Record<string, unknown> = { ...record, priority: record.priority ?? (v6 ? 1024 : 0) };
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

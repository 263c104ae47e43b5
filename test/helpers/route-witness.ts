// iproute2 as an independent witness for routes: `ip -N -j -d route show table all`
// read back into the shape of nlroute's Route, so the two views of the kernel can be
// compared field by field. Metric locks do not appear in ip's JSON; see ipRouteText.
import { ROUTE_TYPE_NAMES } from '../../lib/routes/codes';
import type { Nexthop, Route, RouteMetrics } from '../../lib';
import type { ScratchNamespace } from './netns';

type Json = Record<string, unknown>;

/** A string field of ip's JSON; anything else means the witness misread it. */
function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`ip -j: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function ipRoutes(ns: ScratchNamespace, family: 4 | 6, selector = 'table all'): Route[] {
  return ns.ipJson<Json[]>(`-${family} -N -d route show ${selector}`).map((j) => ipRouteToRoute(j, family));
}

/** Both families, every table: what `list({ table: 'all' })` must equal. */
export function ipAllRoutes(ns: ScratchNamespace): Route[] {
  return [...ipRoutes(ns, 4), ...ipRoutes(ns, 6)];
}

/** The route `ip route get` answers, in nlroute's shape. */
export function ipRouteGet(ns: ScratchNamespace, family: 4 | 6, args: string): Route {
  const [j] = ns.ipJson<Json[]>(`-${family} -N -d route get ${args}`);
  return ipRouteToRoute(j, family);
}

export function ipRouteToRoute(j: Json, family: 4 | 6): Route {
  const host = family === 4 ? 32 : 128;
  const dst = text(j.dst);
  const route: Route = {
    family,
    type: ROUTE_TYPE_NAMES.get(Number(j.type ?? 1)) ?? 'unicast',
    table: Number(j.table ?? 254),
    dst: dst === 'default' || dst.includes('/') ? dst : `${dst}/${host}`,
    protocol: Number(j.protocol ?? 0),
    scope: Number(j.scope ?? 0),
  };
  const flags = (j.flags as string[] | undefined) ?? [];
  if (j.metric !== undefined) route.metric = Number(j.metric);
  if (j.tos !== undefined) route.tos = Number(j.tos);
  if (j.from !== undefined && j.from !== '::') route.from = text(j.from);
  if (j.prefsrc !== undefined) route.src = text(j.prefsrc);
  const via = gatewayOf(j);
  if (via !== undefined) route.via = via;
  if (j.dev !== undefined) route.dev = text(j.dev);
  if (flags.includes('onlink')) route.onlink = true;
  if (flags.includes('linkdown')) route.linkdown = true;
  if (flags.includes('dead')) route.dead = true;
  if (j.nexthops) route.nexthops = (j.nexthops as Json[]).map(nexthop);
  if (j.metrics) route.metrics = metrics((j.metrics as Json[])[0]);
  if (j.pref !== undefined) route.pref = j.pref as Route['pref'];
  if (j.expires !== undefined) route.expires = Number(j.expires);
  if (j.nhid !== undefined) route.nhid = Number(j.nhid);
  if (j.flow !== undefined) route.realms = realms(j.flow as Json);
  if (j.iif !== undefined) route.iif = text(j.iif);
  if (j.mark !== undefined) route.mark = Number(j.mark);
  if (j.uid !== undefined) route.uid = Number(j.uid);
  return route;
}

function gatewayOf(j: Json): string | undefined {
  if (j.gateway !== undefined) return text(j.gateway);
  if (j.via !== undefined) return text((j.via as Json).host);
  return undefined;
}

function realms(flow: Json): number {
  return ((Number(flow.from ?? 0) << 16) | Number(flow.to ?? 0)) >>> 0;
}

function nexthop(j: Json): Nexthop {
  const hop: Nexthop = { weight: Number(j.weight ?? 1) };
  const via = gatewayOf(j);
  if (via !== undefined) hop.via = via;
  if (j.dev !== undefined) hop.dev = text(j.dev);
  const flags = (j.flags as string[] | undefined) ?? [];
  if (flags.includes('onlink')) hop.onlink = true;
  if (j.flow !== undefined) hop.realms = realms(j.flow as Json);
  if (flags.includes('dead')) hop.dead = true;
  if (flags.includes('linkdown')) hop.linkdown = true;
  return hop;
}

// ip prints rtt in ms (the kernel's 1/8 ms units divided by 8) and rttvar likewise (/4).
function metrics(j: Json): RouteMetrics {
  const m: RouteMetrics = {};
  const plain = ['mtu', 'window', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit', 'initcwnd', 'initrwnd'] as const;
  for (const key of plain) if (j[key] !== undefined) m[key] = Number(j[key]);
  if (j.rtt !== undefined) m.rtt = Number(j.rtt) * 8;
  if (j.rttvar !== undefined) m.rttvar = Number(j.rttvar) * 4;
  if (j.rto_min !== undefined) m.rtoMin = Number(j.rto_min);
  if ('ecn' in j) m.features = 'ecn';
  if (j.quickack !== undefined) m.quickack = Number(j.quickack) !== 0;
  if (j.fastopen_no_cookie !== undefined) m.fastopenNoCookie = Number(j.fastopen_no_cookie) !== 0;
  if (j.congestion !== undefined) m.congctl = text(j.congestion);
  return m;
}

/**
 * A route list in a comparable form: sorted, with what ip's JSON cannot show (metric
 * locks) and what changes by the second (expires) left out.
 */
export function comparable(routes: Route[]): string[] {
  return routes
    .map((r) => {
      const copy: Record<string, unknown> = { ...r };
      delete copy.expires;
      if (r.metrics) {
        const { lock: _lock, ...rest } = r.metrics;
        copy.metrics = rest;
      }
      return stableJson(copy);
    })
    .sort();
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

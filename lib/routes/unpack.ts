// Routes packed by native/addon/route_pack.h -> Route objects. This loop is the
// JavaScript half of every listing (100k routes for a big table), so it reads the
// buffer directly, takes strings as slices of one decoded text, and builds each
// object once. The layout is documented in
// route_pack.h; the two files change together.
import { AF, type MetricsRecord, type NexthopRecord, type RoutePack } from '../native';
import { FIELD, METRIC_NAMES, PREF_NAMES, ROUTE_TYPE_NAMES, RTAX_FEATURE_ECN, RTM_F, RTNH_F } from './codes';
import type { MetricName, Nexthop, Route, RouteMetrics } from './types';

/** Maps an ifindex to the name the handle knows, or back to the index when it knows none. */
export type DeviceNamer = (index: number) => string | number;

const RECORD_LENGTH = 40;

/** Every ifindex a pack refers to, so their names can be learned before unpacking. */
export function packedDevices(pack: RoutePack): Set<number> {
  const view = new DataView(pack.bytes);
  const indexes = new Set<number>();
  for (let at = 0; at < pack.count * RECORD_LENGTH; at += RECORD_LENGTH) indexes.add(view.getUint32(at + 20, true));
  for (const extra of pack.extras) {
    indexes.add(extra.iif ?? 0);
    for (const hop of extra.nexthops ?? []) indexes.add(hop.ifindex ?? 0);
  }
  indexes.delete(0);
  return indexes;
}

export function unpackRoutes(pack: RoutePack, deviceName: DeviceNamer): Route[] {
  const view = new DataView(pack.bytes);
  const bytes = new Uint8Array(pack.bytes);
  // Every address text at once; each route's strings are slices of it.
  const text = Buffer.from(pack.text).toString('latin1');
  const routes = new Array<Route>(pack.count);
  for (let n = 0, at = 0; n < pack.count; n++, at += RECORD_LENGTH) {
    const present = view.getUint32(at + 8, true);
    const flags = view.getUint32(at + 12, true);
    // The texts follow each other: dst, from, src (prefsrc), via (gateway).
    const dstAt = view.getUint32(at + 32, true);
    const fromAt = dstAt + bytes[at + 36];
    const srcAt = fromAt + bytes[at + 37];
    const viaAt = srcAt + bytes[at + 38];
    const end = viaAt + bytes[at + 39];
    const family = bytes[at] === AF.INET6 ? 6 : 4;
    const type = ROUTE_TYPE_NAMES.get(bytes[at + 6]) ?? 'unicast';
    const table = view.getUint32(at + 16, true);
    const dst = fromAt > dstAt ? text.substring(dstAt, fromAt) : 'default';
    const protocol = bytes[at + 4];
    const scope = bytes[at + 5];
    let route: Route;
    if (fromAt === viaAt && !(present & FIELD.PRIORITY) && !bytes[at + 3] && present & FIELD.OIF) {
      // Most routes of a big table: a gateway and a device, or a device alone. Made by one
      // literal each, the object is allocated whole at once instead of grown field by
      // field (a listing of 100k routes spent most of its time in the collector). The keys
      // come in the same order as below.
      const dev = deviceName(view.getUint32(at + 20, true));
      route =
        end > viaAt
          ? { family, type, table, dst, protocol, scope, via: text.substring(viaAt, end), dev }
          : { family, type, table, dst, protocol, scope, dev };
    } else {
      route = { family, type, table, dst, protocol, scope };
      if (srcAt > fromAt) route.from = text.substring(fromAt, srcAt);
      if (viaAt > srcAt) route.src = text.substring(srcAt, viaAt);
      if (end > viaAt) route.via = text.substring(viaAt, end);
      if (present & FIELD.PRIORITY) route.metric = view.getUint32(at + 24, true);
      if (bytes[at + 3]) route.tos = bytes[at + 3];
      if (present & FIELD.OIF) route.dev = deviceName(view.getUint32(at + 20, true));
    }
    if (flags & (RTNH_F.ONLINK | RTNH_F.LINKDOWN | RTNH_F.DEAD)) {
      if (flags & RTNH_F.ONLINK) route.onlink = true;
      if (flags & RTNH_F.LINKDOWN) route.linkdown = true;
      if (flags & RTNH_F.DEAD) route.dead = true;
    }
    if (flags & RTM_F.CLONED) route.cacheFlags = (flags & 0xffff0000) >>> 0;
    if (present & FIELD.PREF) route.pref = PREF_NAMES.get(bytes[at + 7]) ?? 'medium';
    const extra = view.getInt32(at + 28, true);
    if (extra >= 0) unpackExtras(route, pack.extras[extra], deviceName);
    routes[n] = route;
  }
  return routes;
}

function unpackExtras(route: Route, parts: RoutePack['extras'][number], deviceName: DeviceNamer) {
  if (parts.gateway !== undefined) route.via = parts.gateway;
  if (parts.metrics) route.metrics = unpackMetrics(parts.metrics);
  if (parts.nexthops) route.nexthops = parts.nexthops.map((hop) => unpackNexthop(hop, deviceName));
  if (parts.flow !== undefined) route.realms = parts.flow;
  if (parts.expires !== undefined) route.expires = parts.expires;
  if (parts.nhid !== undefined) route.nhid = parts.nhid;
  if (parts.iif !== undefined) route.iif = deviceName(parts.iif);
  if (parts.mark !== undefined) route.mark = parts.mark;
  if (parts.uid !== undefined) route.uid = parts.uid;
}

function unpackMetrics(record: MetricsRecord): RouteMetrics {
  const metrics: RouteMetrics = {};
  for (const [slot, value] of record.values) {
    const name = METRIC_NAMES.get(slot);
    if (name === undefined) continue;
    if (name === 'quickack' || name === 'fastopenNoCookie') metrics[name] = value !== 0;
    else if (name === 'features') metrics.features = value === RTAX_FEATURE_ECN ? 'ecn' : value;
    else if (name !== 'congctl') metrics[name] = value;
  }
  if (record.congctl !== undefined) metrics.congctl = record.congctl;
  if (record.lock) {
    const locked: MetricName[] = [];
    for (const [slot, name] of METRIC_NAMES) if (record.lock & (1 << slot)) locked.push(name);
    metrics.lock = locked;
  }
  return metrics;
}

function unpackNexthop(record: NexthopRecord, deviceName: DeviceNamer): Nexthop {
  const hop: Nexthop = { weight: (record.hops ?? 0) + 1 };
  if (record.gateway !== undefined) hop.via = record.gateway;
  if (record.ifindex) hop.dev = deviceName(record.ifindex);
  const flags = record.flags ?? 0;
  if (flags & RTNH_F.ONLINK) hop.onlink = true;
  if (record.flow !== undefined) hop.realms = record.flow;
  if (flags & RTNH_F.DEAD) hop.dead = true;
  if (flags & RTNH_F.LINKDOWN) hop.linkdown = true;
  return hop;
}

/**
 * Names the devices of a route unpacked with indexes (`unpackRoutes(pack, (i) => i)`),
 * in place: for routes that must be named later than they were unpacked (a watch
 * names each with the devices known at its place in the stream).
 */
export function nameRouteDevices(route: Route, deviceName: DeviceNamer): void {
  if (typeof route.dev === 'number') route.dev = deviceName(route.dev);
  if (typeof route.iif === 'number') route.iif = deviceName(route.iif);
  for (const hop of route.nexthops ?? []) if (typeof hop.dev === 'number') hop.dev = deviceName(hop.dev);
}

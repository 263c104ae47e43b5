// Routes packed by native/addon/route_pack.h -> Route objects. This loop is the
// JavaScript half of every listing (100k routes for a big table), so it reads the
// buffer directly and builds each object once. The layout is documented in
// route_pack.h; the two files change together.
import { formatIPv4, formatIPv6 } from '../address';
import { AF, type MetricsRecord, type NexthopRecord, type RoutePack } from '../native';
import { FIELD, METRIC_NAMES, PREF_NAMES, ROUTE_TYPE_NAMES, RTAX_FEATURE_ECN, RTNH_F } from './codes';
import type { MetricName, Nexthop, Route, RouteMetrics } from './types';

const FIXED_LENGTH = 60;

/** Maps an ifindex to the name the handle knows, or back to the index when it knows none. */
export type DeviceNamer = (index: number) => string | number;

/** Every ifindex a pack refers to, so their names can be learned before unpacking. */
export function packedDevices(pack: RoutePack): Set<number> {
  const view = new DataView(pack.bytes);
  const indexes = new Set<number>();
  for (let at = 0, n = 0; n < pack.count; n++) {
    indexes.add(view.getUint32(at + 24, true));
    indexes.add(view.getUint32(at + 28, true));
    at += view.getUint16(at, true);
  }
  for (const extra of pack.extras) for (const hop of extra.nexthops ?? []) indexes.add(hop.ifindex ?? 0);
  indexes.delete(0);
  return indexes;
}

export function unpackRoutes(pack: RoutePack, deviceName: DeviceNamer): Route[] {
  const view = new DataView(pack.bytes);
  const bytes = new Uint8Array(pack.bytes);
  const routes: Route[] = new Array(pack.count);
  for (let at = 0, n = 0; n < pack.count; n++) {
    const length = view.getUint16(at, true);
    const v6 = bytes[at + 2] === AF.INET6;
    const format = v6 ? formatIPv6 : formatIPv4;
    const addressLength = v6 ? 16 : 4;
    const present = view.getUint32(at + 12, true);
    const flags = view.getUint32(at + 16, true);
    let next = at + FIXED_LENGTH;
    const address = () => {
      const text = format(bytes, next);
      next += addressLength;
      return text;
    };

    const dstLen = bytes[at + 3];
    const route: Route = {
      family: v6 ? 6 : 4,
      type: ROUTE_TYPE_NAMES.get(bytes[at + 8]) ?? 'unicast',
      table: view.getUint32(at + 20, true),
      dst: present & FIELD.DST ? `${address()}/${dstLen}` : 'default',
      protocol: bytes[at + 6],
      scope: bytes[at + 7],
    };
    if (present & FIELD.SRC) {
      const from = address();
      if (bytes[at + 4]) route.from = `${from}/${bytes[at + 4]}`;
    }
    if (present & FIELD.PREFSRC) route.src = address();
    if (present & FIELD.GATEWAY) route.via = address();
    if (present & FIELD.PRIORITY) route.metric = view.getUint32(at + 32, true);
    if (bytes[at + 5]) route.tos = bytes[at + 5];
    if (present & FIELD.OIF) route.dev = deviceName(view.getUint32(at + 24, true));
    if (flags & RTNH_F.ONLINK) route.onlink = true;
    if (flags & RTNH_F.LINKDOWN) route.linkdown = true;
    if (flags & RTNH_F.DEAD) route.dead = true;
    if (present & FIELD.PREF) route.pref = PREF_NAMES.get(bytes[at + 9]) ?? 'medium';
    if (present & FIELD.EXPIRES) route.expires = view.getUint32(at + 40, true);
    if (present & FIELD.NHID) route.nhid = view.getUint32(at + 44, true);
    if (present & FIELD.FLOW) route.realms = view.getUint32(at + 36, true);
    if (present & FIELD.IIF) route.iif = deviceName(view.getUint32(at + 28, true));
    if (present & FIELD.MARK) route.mark = view.getUint32(at + 48, true);
    if (present & FIELD.UID) route.uid = view.getUint32(at + 52, true);
    const extra = view.getInt32(at + 56, true);
    if (extra >= 0) {
      const parts = pack.extras[extra];
      if (parts.gateway !== undefined) route.via = parts.gateway;
      if (parts.metrics) route.metrics = unpackMetrics(parts.metrics);
      if (parts.nexthops) route.nexthops = parts.nexthops.map((hop) => unpackNexthop(hop, deviceName));
    }
    routes[n] = route;
    at += length;
  }
  return routes;
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

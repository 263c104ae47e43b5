// RouteSpec (what people type) -> RouteRecord (what the native codec encodes), with
// iproute2's defaults (ip/iproute.c iproute_modify) filled in exactly. All
// validation happens here, before anything reaches the kernel.
import { isOwnKey } from '../own';
import { FamilyAgreement, ipv4HostBitsSet, parseAddress, parseDestination, parsePrefix, type Family, type Prefix } from '../address';
import { KERNEL_REFUSES, ValidationError } from '../errors';
import { canonicalKeys, type SpecKeys } from '../spec-keys';
import type { LinkNames } from '../links';
import { AF, type MetricsRecord, type NexthopRecord, type RouteRecord } from '../native';
import type { NameRegistry } from '../names/registry';
import { boolean, deviceName, integer, numberOrName, realms, U32, U8 } from '../validate';
import { METRIC_SLOTS, PREF_CODES, ROUTE_TYPE_CODES, RT_SCOPE, RT_TABLE, RTAX_FEATURE_ECN, RTNH_F, RTPROT_BOOT } from './codes';
import type { MetricName, NexthopSpec, RouteMetrics, RouteSpec, RouteType } from './types';

export type RoutePurpose = 'add' | 'delete';

export interface RouteContext {
  names: NameRegistry;
  links: LinkNames;
}

const ALIASES: Record<string, keyof RouteSpec> = {
  priority: 'metric',
  preference: 'metric',
  proto: 'protocol',
  dsfield: 'tos',
};
// Read-only state that list() and get() report; accepted so a listed route can be deleted as is.
const STATE_KEYS = new Set(['linkdown', 'dead', 'iif', 'mark', 'uid', 'cacheFlags', 'lookupFrom']);
const KNOWN_KEYS = new Set<string>([
  'family',
  'dst',
  'type',
  'src',
  'from',
  'via',
  'dev',
  'table',
  'metric',
  'scope',
  'protocol',
  'tos',
  'onlink',
  'nexthops',
  'metrics',
  'pref',
  'expires',
  'nhid',
  'realms',
]);
const ROUTE_KEYS: SpecKeys = { object: 'route', aliases: ALIASES, state: STATE_KEYS, known: KNOWN_KEYS };
// Types whose routes live in the local table unless a table is given.
const LOCAL_TABLE_TYPES = new Set<RouteType>(['local', 'broadcast', 'nat', 'anycast']);

/**
 * Converts and validates one route. Device names must be in the handle's cache
 * already (see learnDevices): conversion is synchronous, since it runs for every
 * route of a batch.
 */
export function routeToRecord(input: RouteSpec, purpose: RoutePurpose, ctx: RouteContext): RouteRecord {
  const spec = canonicalRouteKeys(input);
  const type = routeType(spec.type);
  // Each address is parsed once: this runs for every route of every batch.
  const dst = spec.dst === undefined ? undefined : parseDestination('dst', spec.dst);
  const from = spec.from === undefined ? undefined : parsePrefix('from', spec.from);
  const src = spec.src === undefined ? undefined : parseAddress('src', spec.src);
  const family = resolveFamily(spec, dst, from, src);
  // The header's fields are set below, after the attributes (their errors come first);
  // written here they are in the object from the start, not added one by one.
  const record: RouteRecord = { family: family === 6 ? AF.INET6 : AF.INET, table: 0, protocol: 0, type: 0, scope: 0 };

  if (dst !== undefined && dst.length > 0 && dst.address !== undefined) {
    // The IPv4 FIB refuses host bits ("Invalid prefix for given prefix length"); IPv6 masks them.
    if (family === 4 && ipv4HostBitsSet(dst as Prefix)) {
      throw new ValidationError('dst', spec.dst, `has bits set beyond /${dst.length}`, KERNEL_REFUSES);
    }
    record.dst = dst.address;
    record.dstLen = dst.length;
  }
  if (from !== undefined) {
    if (family === 4) throw new ValidationError('from', spec.from, 'IPv4 routes have no source prefix (the kernel would ignore it)');
    if (from.length > 0) {
      record.src = from.address;
      record.srcLen = from.length;
    }
  }
  if (src !== undefined) record.prefsrc = src.address;
  if (spec.via !== undefined) setGateway(record, 'via', spec.via, family);
  if (spec.dev !== undefined) record.oif = cachedDeviceIndex('dev', spec.dev, ctx.links);
  if (spec.metric !== undefined) record.priority = integer('metric', spec.metric, 0, U32);
  if (spec.tos !== undefined) record.tos = tos(spec.tos, family, ctx.names);
  if (spec.realms !== undefined) record.flow = realms('realms', spec.realms, ctx.names.realms);
  if (spec.nhid !== undefined) record.nhid = integer('nhid', spec.nhid, 1, U32);
  if (spec.pref !== undefined) record.pref = pref(spec.pref, family);
  if (spec.expires !== undefined) {
    if (family === 4) throw new ValidationError('expires', spec.expires, 'only IPv6 routes expire (IPv4 would ignore it)');
    record.expires = integer('expires', spec.expires, 0, U32);
  }
  if (spec.metrics !== undefined) record.metrics = metrics(spec.metrics);
  if (spec.nexthops !== undefined) record.nexthops = nexthops(spec.nexthops, family, ctx);
  if (spec.onlink !== undefined && boolean('onlink', spec.onlink)) record.flags = RTNH_F.ONLINK;
  checkExclusive(spec);

  // The header, as iproute2 fills it in.
  record.table =
    spec.table === undefined
      ? type !== undefined && LOCAL_TABLE_TYPES.has(type)
        ? RT_TABLE.LOCAL
        : RT_TABLE.MAIN
      : typeof spec.table === 'number'
        ? integer('table', spec.table, 0, U32)
        : numberOrName('table', spec.table, ctx.names.tables, U32, 'table');
  if (purpose === 'add') {
    record.protocol = RTPROT_BOOT;
    record.type = ROUTE_TYPE_CODES[type ?? 'unicast'];
  } else {
    record.protocol = 0; // 0 and type 0 are wildcards when deleting
    record.type = type === undefined ? 0 : ROUTE_TYPE_CODES[type];
  }
  if (spec.protocol !== undefined) record.protocol = numberOrName('protocol', spec.protocol, ctx.names.protocols, U8, 'protocol');
  record.scope =
    spec.scope === undefined ? defaultScope(type, family, purpose, spec) : numberOrName('scope', spec.scope, ctx.names.scopes, U8, 'scope');
  return record;
}

/** The device index of a name (looked up in the handle's namespace) or of an index given as is. */
export async function deviceIndex(field: string, value: unknown, links: LinkNames): Promise<number> {
  if (typeof value === 'string' && value !== '' && links.cachedIndex(value) === undefined) await links.indexOf(value);
  return cachedDeviceIndex(field, value, links);
}

/** Like deviceIndex, from the cache only: a name it does not know is a ValidationError. */
export function cachedDeviceIndex(field: string, value: unknown, links: LinkNames): number {
  if (typeof value === 'number') return integer(field, value, 1, 0x7fffffff);
  if (typeof value !== 'string' || value === '') throw new ValidationError(field, value, 'expected a device name or index');
  const index = links.cachedIndex(deviceName(field, value));
  if (index === undefined) throw new ValidationError(field, value, 'no such device in this namespace');
  return index;
}

/**
 * Makes sure every device name the specs use is in the handle's cache, with at most
 * one link dump (undefined when none is needed). Names that still are unknown fail
 * later, in routeToRecord.
 */
export function learnDevices(specs: Iterable<RouteSpec>, links: LinkNames): Promise<void> | undefined {
  for (const spec of specs) if (usesUnknownDevice(spec, links)) return links.refresh();
  return undefined; // nothing to wait for: the common case stays synchronous
}

/** The errnos with which a route fails when a device it names by a stale index is gone. */
export const DEVICE_GONE_CODES: ReadonlySet<string> = new Set(['ENODEV', 'ENETUNREACH']);

/** The device names a route spec uses, its own and its nexthops'. */
export function deviceNamesOf(spec: RouteSpec): string[] {
  const names: string[] = [];
  if (typeof spec.dev === 'string') names.push(spec.dev);
  if (Array.isArray(spec.nexthops)) for (const hop of spec.nexthops) if (typeof hop?.dev === 'string') names.push(hop.dev);
  return names;
}

/** Whether the spec names a device (its own or a nexthop's) the handle's cache does not know. */
export function usesUnknownDevice(spec: RouteSpec, links: LinkNames): boolean {
  if (spec === null || typeof spec !== 'object') return false;
  if (unknownDevice(spec.dev, links)) return true;
  if (Array.isArray(spec.nexthops)) for (const hop of spec.nexthops) if (unknownDevice(hop?.dev, links)) return true;
  return false;
}

function unknownDevice(name: unknown, links: LinkNames): boolean {
  return typeof name === 'string' && name !== '' && links.cachedIndex(name) === undefined;
}

export function routeType(value: unknown): RouteType | undefined {
  if (value === undefined) return undefined;
  if (!isOwnKey(ROUTE_TYPE_CODES, value)) {
    throw new ValidationError('type', value, `must be one of ${Object.keys(ROUTE_TYPE_CODES).join(', ')}`);
  }
  return value;
}

function tos(value: unknown, family: Family, names: NameRegistry): number {
  if (family === 6) throw new ValidationError('tos', value, 'IPv6 routes have no TOS', KERNEL_REFUSES);
  const byte = numberOrName('tos', value, names.dsfields, U8, 'dsfield');
  if (byte & 0x3) throw new ValidationError('tos', value, 'the two ECN bits must be 0', KERNEL_REFUSES);
  return byte;
}

function canonicalRouteKeys(input: RouteSpec): RouteSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError('route', input, 'expected an object');
  }
  return canonicalKeys(input, ROUTE_KEYS);
}

/** Like iproute2: the family of the first address given; IPv4 when there is none. */
function resolveFamily(
  spec: RouteSpec,
  dst: { family?: Family } | undefined,
  from: { family: Family } | undefined,
  src: { family: Family } | undefined,
): Family {
  const family = new FamilyAgreement(spec.family)
    .address('dst', spec.dst, dst?.family)
    .address('from', spec.from, from?.family)
    .address('src', spec.src, src?.family).family;
  if (family !== undefined) return family;
  // A gateway decides only when nothing else did: an IPv4 route may have an IPv6 gateway.
  const hops = Array.isArray(spec.nexthops) ? spec.nexthops : [];
  const firstVia = spec.via ?? hops.find((hop) => hop?.via !== undefined)?.via;
  return firstVia === undefined ? 4 : parseAddress('via', firstVia).family;
}

function gateway(field: string, value: unknown, family: Family): { gateway: string; viaFamily?: number } {
  const parsed = parseAddress(field, value);
  if (parsed.family === family) return { gateway: parsed.address };
  if (family === 6) throw new ValidationError(field, value, 'an IPv6 route cannot have an IPv4 gateway');
  return { gateway: parsed.address, viaFamily: AF.INET6 }; // `via inet6`: RTA_VIA
}

function setGateway(record: RouteRecord | NexthopRecord, field: string, value: unknown, family: Family): void {
  const g = gateway(field, value, family);
  record.gateway = g.gateway;
  if (g.viaFamily !== undefined) record.viaFamily = g.viaFamily;
}

function pref(value: unknown, family: Family): number {
  if (family === 4) throw new ValidationError('pref', value, 'router preference is IPv6 only (IPv4 would ignore it)');
  if (!isOwnKey(PREF_CODES, value)) throw new ValidationError('pref', value, 'must be low, medium or high');
  return PREF_CODES[value];
}

function defaultScope(type: RouteType | undefined, family: Family, purpose: RoutePurpose, spec: RouteSpec): number {
  if (family === 6) return RT_SCOPE.UNIVERSE; // the IPv6 kernel ignores scope
  switch (type) {
    case 'local':
    case 'nat':
      return RT_SCOPE.HOST;
    case 'broadcast':
    case 'multicast':
    case 'anycast':
      return RT_SCOPE.LINK;
    case undefined:
    case 'unicast':
      if (purpose === 'delete') return RT_SCOPE.NOWHERE; // matches any scope
      return spec.via === undefined && spec.nexthops === undefined && spec.nhid === undefined ? RT_SCOPE.LINK : RT_SCOPE.UNIVERSE;
    default:
      return RT_SCOPE.UNIVERSE;
  }
}

function checkExclusive(spec: RouteSpec) {
  if (spec.nhid !== undefined) {
    for (const field of ['via', 'dev', 'nexthops'] as const) {
      if (spec[field] !== undefined) throw new ValidationError(field, spec[field], 'cannot be combined with nhid');
    }
  }
  if (spec.nexthops !== undefined) {
    for (const field of ['via', 'dev'] as const) {
      if (spec[field] !== undefined) throw new ValidationError(field, spec[field], 'give it per nexthop in a multipath route');
    }
  }
}

const METRIC_KEYS = new Set<string>([...Object.keys(METRIC_SLOTS), 'lock']);

function metrics(input: RouteMetrics): MetricsRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new ValidationError('metrics', input, 'expected an object');
  const record: MetricsRecord = { values: [] };
  let lock = 0;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!METRIC_KEYS.has(key)) throw new ValidationError(`metrics.${key}`, value, 'unknown metric');
    if (key === 'lock') continue;
    const name = key as MetricName;
    const slot = METRIC_SLOTS[name];
    const field = `metrics.${key}`;
    if (name === 'congctl') {
      if (typeof value !== 'string' || !/^[\w-]{1,15}$/.test(value)) throw new ValidationError(field, value, 'expected an algorithm name');
      record.congctl = value;
      continue;
    }
    let n: number;
    if (name === 'quickack' || name === 'fastopenNoCookie') n = boolean(field, value) ? 1 : 0;
    else if (name === 'features') n = value === 'ecn' ? RTAX_FEATURE_ECN : integer(field, value, 0, U32);
    else n = integer(field, value, 0, name === 'hoplimit' ? 255 : U32);
    if (name === 'rtoMin') lock |= 1 << slot; // iproute2 always locks rto_min
    record.values.push([slot, n]);
  }
  if (input.lock !== undefined) {
    if (!Array.isArray(input.lock)) throw new ValidationError('metrics.lock', input.lock, 'expected a list of metric names');
    for (const name of input.lock) {
      if (!isOwnKey(METRIC_SLOTS, name)) throw new ValidationError('metrics.lock', name, 'unknown metric');
      if (name !== 'congctl' && !record.values.some(([slot]) => slot === METRIC_SLOTS[name])) {
        throw new ValidationError('metrics.lock', name, 'locks a metric that has no value');
      }
      lock |= 1 << METRIC_SLOTS[name];
    }
  }
  record.values.sort((a, b) => a[0] - b[0]);
  if (lock) record.lock = lock;
  return record;
}

/** nla_len is 16 bits: no attribute, header included, is longer (so no route has more hops than fit). */
const MAX_ATTRIBUTE_BYTES = 0xffff;
const align4 = (n: number) => (n + 3) & ~3;

/** One rtnexthop as the native encoder writes it: 8 bytes, then RTA_GATEWAY or RTA_VIA, then RTA_FLOW. */
function hopBytes(hop: NexthopRecord, family: Family): number {
  const addressBytes = (f: Family) => (f === 6 ? 16 : 4);
  let n = 8;
  if (hop.gateway !== undefined) {
    n += hop.viaFamily !== undefined ? align4(4 + 2 + addressBytes(hop.viaFamily === AF.INET6 ? 6 : 4)) : 4 + addressBytes(family);
  }
  if (hop.flow !== undefined) n += 8;
  return n;
}

/** The length RTA_MULTIPATH would have, header included. */
function multipathBytes(hops: NexthopRecord[], family: Family): number {
  return hops.reduce((sum, hop) => sum + hopBytes(hop, family), 4);
}

const NEXTHOP_KEYS = new Set(['via', 'dev', 'weight', 'onlink', 'realms', 'dead', 'linkdown']);

function nexthops(list: NexthopSpec[], family: Family, ctx: RouteContext): NexthopRecord[] {
  if (!Array.isArray(list) || list.length === 0) throw new ValidationError('nexthops', list, 'expected a non-empty list');
  const out: NexthopRecord[] = [];
  const seen = new Set<string>();
  for (const [i, hop] of list.entries()) {
    const field = `nexthops[${i}]`;
    if (hop === null || typeof hop !== 'object') throw new ValidationError(field, hop, 'expected an object');
    for (const key of Object.keys(hop)) {
      if (!NEXTHOP_KEYS.has(key))
        throw new ValidationError(`${field}.${key}`, (hop as Record<string, unknown>)[key], 'unknown nexthop field');
    }
    if (hop.via === undefined && hop.dev === undefined) throw new ValidationError(field, hop, 'needs via or dev');
    if (family === 6 && hop.via === undefined) {
      throw new ValidationError(field, hop, 'IPv6 multipath hops need a gateway (the kernel refuses device-only hops)', KERNEL_REFUSES);
    }
    const record: NexthopRecord = {};
    if (hop.via !== undefined) setGateway(record, `${field}.via`, hop.via, family);
    if (hop.dev !== undefined) record.ifindex = cachedDeviceIndex(`${field}.dev`, hop.dev, ctx.links);
    const weight = hop.weight === undefined ? 1 : integer(`${field}.weight`, hop.weight, 1, 256);
    if (weight > 1) record.hops = weight - 1;
    if (hop.onlink !== undefined && boolean(`${field}.onlink`, hop.onlink)) record.flags = RTNH_F.ONLINK;
    if (hop.realms !== undefined) record.flow = realms(`${field}.realms`, hop.realms, ctx.names.realms);
    const key = `${record.gateway ?? ''}%${record.ifindex ?? 0}`;
    if (seen.has(key)) throw new ValidationError(field, hop, 'the same path is given twice');
    seen.add(key);
    out.push(record);
  }
  const bytes = multipathBytes(out, family);
  if (bytes > MAX_ATTRIBUTE_BYTES) {
    throw new ValidationError(
      'nexthops',
      `${out.length} nexthops`,
      `RTA_MULTIPATH would take ${bytes} bytes; a netlink attribute's 16-bit length holds at most ${MAX_ATTRIBUTE_BYTES} (about ${Math.floor((MAX_ATTRIBUTE_BYTES - 4) / hopBytes({ gateway: '' }, family))} ${family === 6 ? 'IPv6' : 'IPv4'} gateways)`,
    );
  }
  return out;
}

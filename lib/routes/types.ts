// The public shape of a route: the words people type after `ip route`.
import type { Family } from '../address';

export type RouteType =
  'unicast' | 'local' | 'broadcast' | 'multicast' | 'anycast' | 'throw' | 'unreachable' | 'prohibit' | 'blackhole' | 'nat';

export type MetricName =
  | 'mtu'
  | 'window'
  | 'rtt'
  | 'rttvar'
  | 'ssthresh'
  | 'cwnd'
  | 'advmss'
  | 'reordering'
  | 'hoplimit'
  | 'initcwnd'
  | 'features'
  | 'rtoMin'
  | 'initrwnd'
  | 'quickack'
  | 'congctl'
  | 'fastopenNoCookie';

/**
 * Per-route TCP/path metrics (`ip route ... mtu lock 1400 advmss 1360`). Values are
 * the kernel's: `rtt` in 1/8 ms and `rttvar` in 1/4 ms units (what `ip route ... rtt N`
 * sends for a bare number), `rtoMin` in ms.
 */
export interface RouteMetrics {
  mtu?: number;
  window?: number;
  rtt?: number;
  rttvar?: number;
  ssthresh?: number;
  cwnd?: number;
  advmss?: number;
  reordering?: number;
  hoplimit?: number;
  initcwnd?: number;
  /** `'ecn'` or the raw RTAX_FEATURES bits. */
  features?: 'ecn' | number;
  /** Like iproute2, a given rtoMin is always locked. */
  rtoMin?: number;
  initrwnd?: number;
  quickack?: boolean;
  /** Congestion control algorithm name (`cubic`, `bbr`, ...). */
  congctl?: string;
  fastopenNoCookie?: boolean;
  /** Metrics the kernel must not change (`mtu lock 1400`). */
  lock?: MetricName[];
}

/** One path of a multipath route. */
export interface NexthopSpec {
  via?: string;
  dev?: string | number;
  /** 1..256, default 1. */
  weight?: number;
  onlink?: boolean;
  /** `FROM/TO` realm names or numbers, or the raw 32-bit value. */
  realms?: number | string;
}

/**
 * A route to add or change, or a match to delete. Absent fields get iproute2's
 * defaults when adding (protocol boot, table main, scope by type and gateway) and
 * are wildcards when deleting.
 */
export interface RouteSpec {
  /** 4 or 6. Inferred from dst, from, src and via; IPv4 when nothing says otherwise. */
  family?: Family;
  /** Destination prefix (`'10.0.0.0/24'`, `'10.0.0.5'` meaning /32) or `'default'`. */
  dst?: string;
  type?: RouteType;
  /** Preferred source address for traffic this route sends (`ip route ... src`). */
  src?: string;
  /** Source prefix (IPv6 source-specific routing; IPv4 has no such key). */
  from?: string;
  /** Gateway. An IPv6 gateway on an IPv4 route is sent as RTA_VIA (`via inet6`). */
  via?: string;
  /** Output device, by name (resolved in the handle's namespace) or index. */
  dev?: string | number;
  /** Table number (up to 2^32-1) or a name from rt_tables. */
  table?: number | string;
  metric?: number;
  /** Alias of `metric`. */
  priority?: number;
  /** Alias of `metric`. */
  preference?: number;
  /** A number or a name from rt_scopes: `global`, `link`, `host`, ... */
  scope?: number | string;
  /** Who installed it: a number or a name from rt_protos (`static`, `kernel`, ...). */
  protocol?: number | string;
  /** Alias of `protocol`. */
  proto?: number | string;
  /** IPv4 TOS byte, part of the route's key; a number or a name from rt_dsfield. */
  tos?: number | string;
  /** Alias of `tos`. */
  dsfield?: number | string;
  /** Treat the gateway as directly reachable on `dev`. */
  onlink?: boolean;
  nexthops?: NexthopSpec[];
  metrics?: RouteMetrics;
  /** IPv6 router preference. */
  pref?: 'low' | 'medium' | 'high';
  /** IPv6: seconds until the route expires. */
  expires?: number;
  /** Use a nexthop object by id (not together with via, dev or nexthops). */
  nhid?: number;
  /** `FROM/TO` realm names or numbers, or the raw 32-bit value. */
  realms?: number | string;
}

export interface Nexthop {
  via?: string;
  dev?: string | number;
  weight: number;
  onlink?: true;
  realms?: number;
  /** Read-only state reported by the kernel. */
  dead?: true;
  linkdown?: true;
}

/** A route as the kernel reports it. It can be passed unchanged to `delete()`. */
export interface Route {
  family: Family;
  type: RouteType;
  table: number;
  /** `'default'` or `'address/length'`. */
  dst: string;
  protocol: number;
  scope: number;
  metric?: number;
  tos?: number;
  from?: string;
  src?: string;
  via?: string;
  /** Device name; the index when the device has no name the handle knows. */
  dev?: string | number;
  onlink?: true;
  nexthops?: Nexthop[];
  metrics?: RouteMetrics;
  pref?: 'low' | 'medium' | 'high';
  expires?: number;
  nhid?: number;
  realms?: number;
  /** Read-only state: the device is down or the path is dead. Ignored on input. */
  linkdown?: true;
  dead?: true;
  /** `get()` answers only: the input device, mark and uid the lookup used. */
  iif?: string | number;
  mark?: number;
  uid?: number;
  /**
   * `get()` answers for IPv4 only: the lookup answered with a cached clone, and these
   * are its RTCF_* flags (the high 16 bits of rtm_flags; `ip route get` prints them
   * as `cache <local>`). Ignored on input.
   */
  cacheFlags?: number;
  /**
   * `get()` answers only: the source the kernel says the lookup used when none was
   * given (IPv6 answers `::/128`; `ip route get` prints it as `from ::`). Ignored on input.
   */
  lookupFrom?: string;
}

/**
 * What `list()` and `flush()` select. Table, protocol, type and dev are filtered by
 * the kernel; the rest by nlroute before any object is built.
 */
export interface RouteFilter {
  family?: Family;
  /** A number, a name, or `'all'`. Default `main`, as for `ip route show`. */
  table?: number | string;
  protocol?: number | string;
  type?: RouteType;
  dev?: string | number;
  /** Exactly this prefix (`ip route show PREFIX`). */
  dst?: string;
  /** Routes inside this prefix (`ip route show root PREFIX`). */
  root?: string;
  /** Routes that contain this prefix or address (`ip route show match PREFIX`). */
  match?: string;
  /** Routes using this gateway (on their own or on any of their nexthops). */
  via?: string;
  /** Routes with this preferred source. */
  src?: string;
  metric?: number;
  scope?: number | string;
  tos?: number | string;
  /**
   * A table that was never created lists as empty (`'empty'`, the default), or fails
   * with the kernel's ENOENT "FIB table does not exist" (`'error'`, as `ip route show`
   * does). The kernel tells only in a listing of one family.
   */
  missingTable?: 'empty' | 'error';
}

/** What `get()` looks up with, like `ip route get ADDRESS from ... iif ...`. */
export interface RouteGetOptions {
  from?: string;
  /** Input device: the lookup is done as for a packet arriving there. */
  iif?: string | number;
  /** Output device. */
  oif?: string | number;
  mark?: number;
  uid?: number;
  ipproto?: number | string;
  sport?: number;
  dport?: number;
  /** The packet's TOS byte (IPv6: traffic class), ECN bits included; a number or an rt_dsfield name. */
  tos?: number | string;
  /** Return the FIB entry that matched instead of the resolved route. */
  fibmatch?: boolean;
  /**
   * Look in this one table only. The kernel cannot do that, so nlroute lists the
   * table's routes that contain the address and returns the longest prefix with the
   * lowest metric: a table query, not a policy-routing lookup.
   */
  table?: number | string;
}

/**
 * What a route reconcile owns: the routes a list() with these fields selects (table
 * main unless given; `'all'` is not allowed). Only the fields the kernel filters on,
 * and metric and scope, can draw a scope.
 */
export type RouteScope = Pick<RouteFilter, 'family' | 'table' | 'protocol' | 'type' | 'dev' | 'metric' | 'scope'>;

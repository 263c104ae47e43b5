// The kernel's numbers for route words (linux/rtnetlink.h), both ways.
import type { MetricName, RouteType } from './types';

export const ROUTE_TYPE_CODES: Record<RouteType, number> = {
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
};
export const ROUTE_TYPE_NAMES = invert(ROUTE_TYPE_CODES);

/** RTAX_* slots of RTA_METRICS. */
export const METRIC_SLOTS: Record<MetricName, number> = {
  mtu: 2,
  window: 3,
  rtt: 4,
  rttvar: 5,
  ssthresh: 6,
  cwnd: 7,
  advmss: 8,
  reordering: 9,
  hoplimit: 10,
  initcwnd: 11,
  features: 12,
  rtoMin: 13,
  initrwnd: 14,
  quickack: 15,
  congctl: 16,
  fastopenNoCookie: 17,
};
export const METRIC_NAMES = invert(METRIC_SLOTS);
export const RTAX_FEATURE_ECN = 1;

/** RTA_PREF values (ICMPV6_ROUTER_PREF_*). */
export const PREF_CODES = { medium: 0, high: 1, low: 3 } as const;
export const PREF_NAMES = invert(PREF_CODES);

export const RT_TABLE = { MAIN: 254, LOCAL: 255 } as const;
export const RT_SCOPE = { UNIVERSE: 0, LINK: 253, HOST: 254, NOWHERE: 255 } as const;
// Route protocols (rtnetlink.h RTPROT_*) that code outside the codecs names.
export const RTPROT_KERNEL = 2;
export const RTPROT_BOOT = 3;
export const RTPROT_STATIC = 4;

/** rtm_flags / rtnh_flags bits. */
export const RTNH_F = { DEAD: 0x01, ONLINK: 0x04, LINKDOWN: 0x10 } as const;
export const RTM_F = { CLONED: 0x200, LOOKUP_TABLE: 0x1000, FIB_MATCH: 0x2000 } as const;

/** Bits of the packed record's `present` word (wire::RouteField in route_record.h). */
export const FIELD = {
  DST: 1 << 0,
  SRC: 1 << 1,
  PREFSRC: 1 << 2,
  GATEWAY: 1 << 3,
  VIA: 1 << 4,
  OIF: 1 << 5,
  IIF: 1 << 6,
  PRIORITY: 1 << 7,
  METRICS: 1 << 8,
  MULTIPATH: 1 << 9,
  FLOW: 1 << 10,
  PREF: 1 << 11,
  EXPIRES: 1 << 12,
  NHID: 1 << 13,
  MARK: 1 << 14,
  UID: 1 << 15,
} as const;

function invert<K extends string>(codes: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(codes).map(([name, code]) => [code as number, name as K]));
}

/** Kernel attribute names in extended ACKs -> the field names of RouteSpec. */
export const ROUTE_FIELD_OF_ATTRIBUTE: Record<string, string> = {
  header: 'route',
  RTA_DST: 'dst',
  RTA_SRC: 'from',
  RTA_PREFSRC: 'src',
  RTA_GATEWAY: 'via',
  RTA_VIA: 'via',
  RTA_OIF: 'dev',
  RTA_IIF: 'iif',
  RTA_PRIORITY: 'metric',
  RTA_METRICS: 'metrics',
  RTA_MULTIPATH: 'nexthops',
  RTA_TABLE: 'table',
  RTA_FLOW: 'realms',
  RTA_PREF: 'pref',
  RTA_EXPIRES: 'expires',
  RTA_NH_ID: 'nhid',
  RTA_MARK: 'mark',
  RTA_UID: 'uid',
  RTA_IP_PROTO: 'ipproto',
  RTA_SPORT: 'sport',
  RTA_DPORT: 'dport',
};

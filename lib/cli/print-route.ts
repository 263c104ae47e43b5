// `ip route show` / `ip route get` output, text and JSON, in iproute2 6.x's order.
// Text words each end in a space, as iproute2's "%s " formats do; `pref` does not.
import { METRIC_SLOTS, RT_TABLE, RTPROT_BOOT } from '../routes/codes';
import type { MetricName, Nexthop, Route, RouteMetrics } from '../routes/types';
import { splitPrefix, type PrintStyle } from './print-style';
import type { Output } from './output';

/**
 * The fields a `show` leaves out of each line because its filter fixed them: iproute2
 * does not print what every listed route shares with the filter (`ip route show table
 * 16` prints no `table 16`). `true` means hidden.
 */
export interface HiddenFields {
  table?: boolean;
  dev?: boolean;
  protocol?: boolean;
  scope?: boolean;
  tos?: boolean;
  /** A via filter naming one host. */
  viaHost?: boolean;
  /** A src filter naming one host. */
  srcHost?: boolean;
  /** A realms filter naming both realms (`realms 1/2`). */
  realms?: boolean;
}

// RTCF_* bits of a cached IPv4 route (linux/in_route.h), in the order iproute2 prints them.
const CACHE_FLAGS: Array<[number, string]> = [
  [0x80000000, 'local'],
  [0x40000000, 'reject'],
  [0x20000000, 'mc'],
  [0x10000000, 'brd'],
  [0x08000000, 'dst-nat'],
  [0x00800000, 'src-nat'],
  [0x00400000, 'masq'],
  [0x00020000, 'dst-direct'],
  [0x04000000, 'src-direct'],
  [0x00040000, 'redirected'],
  [0x01000000, 'redirect'],
  [0x00200000, 'fastroute'],
  [0x00010000, 'notify'],
  [0x00080000, 'proxy'],
];

const METRIC_WORDS: Partial<Record<MetricName, string>> = { rtoMin: 'rto_min', fastopenNoCookie: 'fastopen_no_cookie' };

export function printRoute(out: Output, route: Route, style: PrintStyle, hidden: HiddenFields = {}): void {
  // Cached clones are what IPv4 `route get` answers with: no proto or scope, a cache line.
  const cloned = route.cacheFlags !== undefined;
  out.object(undefined, () => {
    if (route.type !== 'unicast' || style.details) {
      const type = style.routeType(route.type);
      out.field('type', type, `${type} `);
    }
    const dst = route.dst === 'default' ? 'default' : shortPrefix(route.dst);
    out.field('dst', dst, `${dst} `);
    const from = route.from ?? route.lookupFrom;
    if (from !== undefined) out.field('from', shortPrefix(from), `from ${shortPrefix(from)} `);
    if (route.nhid !== undefined) out.field('nhid', route.nhid, `nhid ${route.nhid} `);
    if (route.tos && !hidden.tos) out.field('tos', style.dsfield(route.tos), `tos ${style.dsfield(route.tos)} `);
    if (route.via !== undefined) printGateway(out, route.family, route.via, hidden.viaHost);
    if (route.dev !== undefined && !hidden.dev) out.field('dev', String(route.dev), `dev ${route.dev} `);
    if (route.table && (route.table !== RT_TABLE.MAIN || style.details) && !hidden.table) {
      out.field('table', style.table(route.table), `table ${style.table(route.table)} `);
    }
    if (!cloned) {
      if ((route.protocol !== RTPROT_BOOT || style.details) && !hidden.protocol) {
        out.field('protocol', style.protocol(route.protocol), `proto ${style.protocol(route.protocol)} `);
      }
      if ((route.scope !== 0 || style.details) && !hidden.scope)
        out.field('scope', style.scope(route.scope), `scope ${style.scope(route.scope)} `);
    }
    if (route.src !== undefined && !hidden.srcHost) out.field('prefsrc', route.src, `src ${route.src} `);
    if (route.metric !== undefined) out.field('metric', route.metric, `metric ${route.metric} `);
    printFlags(out, route);
    if (route.mark) out.field('mark', route.mark, route.mark >= 16 ? `mark 0x${route.mark.toString(16)} ` : `mark ${route.mark} `);
    if (route.realms !== undefined && !hidden.realms) printRealms(out, route.realms, style);
    if (route.uid !== undefined) out.field('uid', route.uid, `uid ${route.uid} `);
    if (cloned) printCacheFlags(out, route.cacheFlags!);
    if (route.expires !== undefined && route.expires !== 0) out.field('expires', route.expires, `expires ${route.expires}sec `);
    if (route.metrics) printMetrics(out, route.metrics);
    if (route.iif !== undefined) out.field('iif', String(route.iif), `iif ${route.iif} `);
    if (route.pref !== undefined) out.field('pref', route.pref, `pref ${route.pref}`);
    if (route.nexthops) printNexthops(out, route, style);
  });
  out.plain('\n');
}

/** `10.0.0.5/32` prints as `10.0.0.5`, a prefix with its length. */
function shortPrefix(prefix: string): string {
  const { address, length, host } = splitPrefix(prefix);
  return host ? address : `${address}/${length}`;
}

// A gateway of the route's own family is RTA_GATEWAY (left out when a `via HOST`
// filter fixed it); an IPv6 one on an IPv4 route is RTA_VIA, always printed.
function printGateway(out: Output, family: 4 | 6, via: string, filtered = false): void {
  const viaFamily = via.includes(':') ? 6 : 4;
  if (viaFamily === family) {
    if (!filtered) out.field('gateway', via, `via ${via} `);
    return;
  }
  const familyName = viaFamily === 6 ? 'inet6' : 'inet';
  out.object('via', () => {
    out.jsonOnly('family', familyName);
    out.jsonOnly('host', via);
  });
  out.plain(`via ${familyName} ${via} `);
}

function printFlags(out: Output, flags: { dead?: true; onlink?: true; linkdown?: true }): void {
  out.array('flags', () => {
    if (flags.dead) out.element('dead', 'dead ');
    if (flags.onlink) out.element('onlink', 'onlink ');
    if (flags.linkdown) out.element('linkdown', 'linkdown ');
  });
}

function printRealms(out: Output, realms: number, style: PrintStyle): void {
  const from = realms >>> 16;
  const to = style.realm(realms & 0xffff);
  out.object('flow', () => {
    if (from) out.jsonOnly('from', style.realm(from));
    out.jsonOnly('to', to);
  });
  out.plain(from ? `realms ${style.realm(from)}/${to} ` : `realm ${to} `);
}

function printCacheFlags(out: Output, flags: number): void {
  out.plain('\n    cache ');
  const words: string[] = [];
  let rest = flags & ~0xffff;
  out.array('cache', () => {
    for (const [bit, word] of CACHE_FLAGS) {
      if ((rest & bit) === 0) continue;
      rest &= ~bit;
      words.push(word);
      out.element(word, undefined);
    }
  });
  if (rest) words.push((rest >>> 0).toString(16));
  if (words.length) out.plain(`<${words.join(',')}> `);
}

function printMetrics(out: Output, metrics: RouteMetrics): void {
  const locked = new Set(metrics.lock ?? []);
  const slots = (Object.keys(METRIC_SLOTS) as MetricName[])
    .filter((name) => metrics[name as keyof RouteMetrics] !== undefined || locked.has(name))
    .sort((a, b) => METRIC_SLOTS[a] - METRIC_SLOTS[b]);
  out.array('metrics', () =>
    out.object(undefined, () => {
      for (const name of slots) {
        const word = METRIC_WORDS[name] ?? name;
        const value = metrics[name as keyof RouteMetrics];
        if (name === 'hoplimit' && value === 0xffffffff) continue;
        out.plain(`${word} ${locked.has(name) ? 'lock ' : ''}`);
        printMetricValue(out, name, word, value);
      }
    }),
  );
}

function printMetricValue(out: Output, name: MetricName, word: string, value: unknown): void {
  if (name === 'features') {
    if (value === 'ecn') out.field('ecn', null, 'ecn ');
    else if (value !== undefined) out.field('features', `0x${Number(value).toString(16)}`, `0x${Number(value).toString(16)} `);
    return;
  }
  if (name === 'congctl') {
    const name = typeof value === 'string' ? value : '';
    out.field('congestion', name, `${name} `);
    return;
  }
  let n = typeof value === 'boolean' ? Number(value) : Number(value ?? 0);
  if (name === 'rtt' || name === 'rttvar' || name === 'rtoMin') {
    // The kernel keeps rtt in 1/8 ms and rttvar in 1/4 ms; iproute2 prints milliseconds.
    if (name === 'rtt') n = Math.floor(n / 8);
    else if (name === 'rttvar') n = Math.floor(n / 4);
    out.field(word, n, n >= 1000 ? `${Number((n / 1e3).toPrecision(6))}s ` : `${n}ms `);
    return;
  }
  out.field(word, n, `${n} `);
}

function printNexthops(out: Output, route: Route, style: PrintStyle): void {
  out.array('nexthops', () => {
    for (const hop of route.nexthops as Nexthop[]) {
      out.plain('\n\tnexthop ');
      out.object(undefined, () => {
        if (hop.via !== undefined) printGateway(out, route.family, hop.via);
        if (hop.realms !== undefined) printRealms(out, hop.realms, style);
        if (hop.dev !== undefined) out.field('dev', String(hop.dev), `dev ${hop.dev} `);
        out.field('weight', hop.weight, `weight ${hop.weight} `);
        printFlags(out, hop);
      });
    }
  });
}

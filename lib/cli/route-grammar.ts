// `ip route` words -> a RouteSpec (add, del, replace, ...), a show filter (list,
// show, flush) or a lookup (get), with iproute2 6.x's keywords, abbreviations and
// number forms. Names (tables, protocols, scopes, realms) are resolved from the
// namespace's name files while reading, as iproute2 does.
import type { Family } from '../address';
import type { NameRegistry } from '../names/registry';
import type { MetricName, NexthopSpec, RouteGetOptions, RouteMetrics, RouteSpec, RouteType } from '../routes/types';
import { ROUTE_TYPE_CODES } from '../routes/codes';
import { address, prefix, unsigned, type ParsedPrefix } from './numbers';
import { deviceName, dsfield, nameOrNumber, realmsValue, zeroOrOne } from './shared-grammar';
import { HelpRequest } from './help';
import { invalidArgument, matches, UsageError, Words } from './words';

export type RouteModifyVerb = 'add' | 'change' | 'replace' | 'prepend' | 'append' | 'test' | 'delete';

/** What `ip route show SELECTOR` keeps (see route-show.ts for how each is applied). */
export interface RouteShowFilter {
  family?: Family;
  /** A table, or `all`; main when absent. */
  table?: number | 'all';
  tos?: number;
  protocol?: number;
  scope?: number;
  /** One type; as in iproute2, a second `type` replaces the first. */
  type?: RouteType;
  dev?: string;
  via?: ParsedPrefix;
  src?: ParsedPrefix;
  /** `realms TO` compares the low 16 bits, `realms FROM/TO` all 32 (`realmsBoth`). */
  realms?: number;
  realmsBoth?: boolean;
  metric?: number;
  /** The destination selector: exactly a prefix, routes inside one (root), or routes containing it (match). */
  dst?: { kind: 'exact' | 'root' | 'match'; prefix: ParsedPrefix };
  from?: { kind: 'exact' | 'root' | 'match'; prefix: ParsedPrefix };
}

export type RouteCommand =
  | { object: 'route'; verb: RouteModifyVerb; spec: RouteSpec }
  | { object: 'route'; verb: 'list' | 'flush'; filter: RouteShowFilter }
  | { object: 'route'; verb: 'get'; address: string; options: RouteGetOptions; family: Family };

/** The route type keywords: one per type code (routes/codes.ts is their one home). */
const ROUTE_TYPES: ReadonlySet<string> = new Set(Object.keys(ROUTE_TYPE_CODES));

/** `args[at]` is the verb (`add`, `show`, ...), the words after it its arguments. */
export function parseRouteCommand(args: readonly string[], names: NameRegistry, family?: Family, at = 0): RouteCommand {
  const verb = args[at];
  const words = new Words(args, at + 1);
  if (verb === undefined) return { object: 'route', verb: 'list', filter: parseRouteFilter(words, names, family, false) };
  const modify = modifyVerb(verb);
  if (modify) return { object: 'route', verb: modify, spec: parseRouteSpec(words, names, family) };
  if (matches(verb, 'list') || matches(verb, 'show') || matches(verb, 'lst')) {
    return { object: 'route', verb: 'list', filter: parseRouteFilter(words, names, family, false) };
  }
  if (matches(verb, 'get')) return parseRouteGet(words, names, family);
  if (matches(verb, 'flush')) {
    if (words.done) throw new UsageError('"route flush" requires arguments');
    return { object: 'route', verb: 'flush', filter: parseRouteFilter(words, names, family, true) };
  }
  if (matches(verb, 'help')) throw new HelpRequest('route');
  throw new UsageError(
    `command "${verb}" is unknown for "route"; nlroute knows add, change, replace, prepend, append, test, del, list, show, flush, get`,
  );
}

// In iproute2's order, so that abbreviations resolve the same way ("a" is add).
function modifyVerb(verb: string): RouteModifyVerb | undefined {
  if (matches(verb, 'add')) return 'add';
  if (matches(verb, 'change') || verb === 'chg') return 'change';
  if (matches(verb, 'replace')) return 'replace';
  if (matches(verb, 'prepend')) return 'prepend';
  if (matches(verb, 'append')) return 'append';
  if (matches(verb, 'test')) return 'test';
  if (matches(verb, 'delete')) return 'delete';
  return undefined;
}

/** Reads addresses in order; the first one decides the family when no -4/-6 did. */
class FamilyTracker {
  constructor(public family?: Family) {}

  prefix(keyword: string, text: string): ParsedPrefix {
    const parsed = prefix(keyword, text, this.family);
    this.family ??= parsed.family;
    return parsed;
  }

  address(keyword: string, text: string, family = this.family): string {
    const parsed = address(keyword, text, family);
    this.family ??= parsed.family;
    return parsed.address;
  }

  /**
   * `via [inet|inet6] ADDRESS`. A named family may differ from the route's (an IPv6
   * gateway of an IPv4 route, sent as RTA_VIA) and does not decide the route's family.
   */
  gateway(words: Words): string {
    const text = words.argument('via');
    if (text === 'inet' || text === 'inet6') return address('via', words.argument('via'), text === 'inet' ? 4 : 6).address;
    return this.address('via', text);
  }
}

function parseRouteSpec(words: Words, names: NameRegistry, givenFamily?: Family): RouteSpec {
  const spec: RouteSpec = {};
  const family = new FamilyTracker(givenFamily);
  const metrics: RouteMetrics = {};
  const locked: MetricName[] = [];
  /** `mtu [lock] N`: the value after an optional lock. */
  const metricArgument = (keyword: string, name: MetricName): string => {
    let text = words.argument(keyword);
    if (text === 'lock') {
      locked.push(name);
      text = words.argument(keyword);
    }
    return text;
  };
  while (!words.done) {
    const word = words.take();
    const plain = plainMetric(word);
    // Most words of a big batch file are destinations: no keyword starts with a digit.
    if (startsWithDigit(word)) setDestination(spec, family, word);
    else if (word === 'src') spec.src = family.address(word, words.argument(word));
    else if (word === 'as') throw new UsageError('"as" (MPLS destination rewrite) is not supported by nlroute');
    else if (word === 'via') spec.via = family.gateway(words);
    else if (word === 'from') spec.from = family.prefix(word, words.argument(word)).prefix ?? '::/0';
    else if (word === 'tos' || matches(word, 'dsfield')) spec.tos = dsfield(word, words.argument(word), names.dsfields);
    else if (word === 'expires') spec.expires = unsigned(word, words.argument(word));
    else if (matches(word, 'metric') || matches(word, 'priority') || word === 'preference') {
      spec.metric = unsigned('metric', words.argument(word));
    } else if (word === 'scope') spec.scope = nameOrNumber(word, words.argument(word), names.scopes, 0xff);
    else if (plain !== undefined) {
      metrics[plain] = unsigned(plain, metricArgument(word, plain), plain === 'hoplimit' ? 255 : 0xffffffff);
    } else if (word === 'rtt' || matches(word, 'rttvar')) {
      const name: MetricName = word === 'rtt' ? 'rtt' : 'rttvar';
      metrics[name] = rttTime(word, metricArgument(word, name), name === 'rtt' ? 8 : 4);
    } else if (word === 'rto_min') {
      metrics.rtoMin = rttTime(word, words.argument(word), 1);
    } else if (matches(word, 'features')) {
      const text = words.argument(word);
      if (text !== 'ecn') throw invalidArgument(word, text, 'the only feature is "ecn"');
      metrics.features = 'ecn';
    } else if (matches(word, 'quickack')) metrics.quickack = zeroOrOne(word, words.argument(word));
    else if (word === 'fastopen_no_cookie') metrics.fastopenNoCookie = zeroOrOne(word, words.argument(word));
    else if (matches(word, 'congctl')) metrics.congctl = metricArgument(word, 'congctl');
    else if (matches(word, 'realms')) spec.realms = realmsValue(word, words.argument(word), names.realms);
    else if (word === 'onlink') spec.onlink = true;
    else if (word === 'nexthop') {
      spec.nexthops = parseNexthops(words, family, names);
    } else if (word === 'nhid') spec.nhid = unsigned(word, words.argument(word));
    else if (matches(word, 'protocol')) spec.protocol = nameOrNumber('protocol', words.argument(word), names.protocols, 0xff);
    else if (matches(word, 'table')) spec.table = nameOrNumber('table', words.argument(word), names.tables, 0xffffffff);
    else if (word === 'dev' || word === 'oif') spec.dev = deviceName(word, words.argument(word));
    else if (matches(word, 'pref')) spec.pref = routerPreference(words.argument(word));
    else if (word === 'encap' || word === 'ttl-propagate' || matches(word, 'vrf')) {
      throw new UsageError(`"${word}" is not supported by nlroute`);
    } else if (word === 'help') throw new HelpRequest('route');
    else {
      // [to] [TYPE] PREFIX
      let text = word === 'to' ? words.argument(word) : word;
      if (isTypeWord(text)) {
        spec.type = text as RouteType;
        text = words.argument(text);
      }
      setDestination(spec, family, text);
    }
  }
  if (Object.keys(metrics).length || locked.length) spec.metrics = { ...metrics, ...(locked.length ? { lock: locked } : {}) };
  if (spec.dst === undefined) throw new UsageError('a route needs a destination prefix (or "default")');
  if (family.family !== undefined) spec.family = family.family;
  return spec;
}

function setDestination(spec: RouteSpec, family: FamilyTracker, text: string): void {
  // iproute2: 'either "to" is duplicate, or "X" is a garbage'
  if (spec.dst !== undefined) throw new UsageError(`"${text}" is not a keyword, and the destination is already ${spec.dst}`);
  spec.dst = family.prefix('to', text).prefix ?? 'default';
}

function startsWithDigit(word: string): boolean {
  const c = word.charCodeAt(0);
  return c >= 48 && c <= 57;
}

type PlainMetric = 'mtu' | 'advmss' | 'hoplimit' | 'reordering' | 'window' | 'cwnd' | 'initcwnd' | 'initrwnd' | 'ssthresh';

/** The metric a word names when it takes `[lock] NUMBER`, with iproute2's abbreviations. */
function plainMetric(word: string): PlainMetric | undefined {
  if (word === 'mtu' || word === 'advmss' || word === 'hoplimit') return word;
  for (const name of ['reordering', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'ssthresh'] as const) {
    if (matches(word, name)) return name;
  }
  return undefined;
}

// A type word: a route type's name (never a number, which would be a prefix).
function isTypeWord(text: string): boolean {
  return ROUTE_TYPES.has(text) || text === 'brd';
}

/**
 * get_time_rtt(): a bare number is already in the kernel's unit (1/8 ms for rtt,
 * 1/4 ms for rttvar, ms for rto_min); with `s` or `ms` it is a time, scaled here.
 */
function rttTime(keyword: string, text: string, perMillisecond: number): number {
  const match = /^([0-9]+(?:\.[0-9]*)?)(s|sec|secs|ms|msec|msecs)?$/.exec(text);
  if (!match) throw invalidArgument(keyword, text, 'expected a time: N (kernel units), Nms or Ns');
  const value = Number(match[1]);
  if (match[2] === undefined) {
    if (!Number.isInteger(value)) throw invalidArgument(keyword, text, 'a number without unit must be whole');
    return value;
  }
  const milliseconds = match[2].startsWith('m') ? value : value * 1000;
  return Math.floor(milliseconds) * perMillisecond;
}

function routerPreference(text: string): 'low' | 'medium' | 'high' {
  if (text === 'low' || text === 'medium' || text === 'high') return text;
  throw invalidArgument('pref', text, 'expected low, medium or high');
}

// After the first `nexthop`, the rest of the line is nexthops.
function parseNexthops(words: Words, family: FamilyTracker, names: NameRegistry): NexthopSpec[] {
  const hops: NexthopSpec[] = [];
  let hop: NexthopSpec = {};
  hops.push(hop);
  while (!words.done) {
    const word = words.take();
    if (word === 'nexthop') hops.push((hop = {}));
    else if (word === 'via') hop.via = family.gateway(words);
    else if (word === 'dev') hop.dev = deviceName(word, words.argument(word));
    else if (word === 'weight') hop.weight = weight(words.argument(word));
    else if (word === 'onlink') hop.onlink = true;
    else if (matches(word, 'realms')) hop.realms = realmsValue(word, words.argument(word), names.realms);
    else throw new UsageError(`"nexthop" or end of line is expected instead of "${word}"`);
  }
  return hops;
}

function weight(text: string): number {
  const value = unsigned('weight', text, 256);
  if (value < 1) throw invalidArgument('weight', text, 'a weight is 1..256');
  return value;
}

function parseRouteFilter(words: Words, names: NameRegistry, givenFamily: Family | undefined, flushing: boolean): RouteShowFilter {
  const filter: RouteShowFilter = {};
  while (!words.done) {
    const word = words.take();
    if (matches(word, 'table')) {
      const text = words.argument(word);
      filter.table = text === 'all' ? 'all' : nameOrNumber('table', text, names.tables, 0xffffffff);
    } else if (matches(word, 'cached') || matches(word, 'cloned') || matches(word, 'vrf') || word === 'iif' || matches(word, 'mark')) {
      throw new UsageError(`"${word}" is not supported by nlroute ${flushing ? 'route flush' : 'route show'}`);
    } else if (word === 'tos' || matches(word, 'dsfield')) filter.tos = dsfield(word, words.argument(word), names.dsfields);
    else if (matches(word, 'protocol')) {
      const text = words.argument(word);
      if (text !== 'all') filter.protocol = nameOrNumber('protocol', text, names.protocols, 0xff);
    } else if (matches(word, 'scope')) {
      const text = words.argument(word);
      if (text !== 'all') filter.scope = nameOrNumber('scope', text, names.scopes, 0xff);
    } else if (matches(word, 'type')) {
      const text = words.argument(word);
      if (!isTypeWord(text)) throw invalidArgument(word, text, 'not a route type');
      filter.type = (text === 'brd' ? 'broadcast' : text) as RouteType;
    } else if (word === 'dev' || word === 'oif') filter.dev = deviceName(word, words.argument(word));
    else if (matches(word, 'metric') || matches(word, 'priority') || word === 'preference') {
      filter.metric = unsigned('metric', words.argument(word));
    } else if (word === 'via') {
      // `via inet6 ADDRESS` selects IPv4 routes through an IPv6 gateway (RTA_VIA).
      let text = words.argument(word);
      let viaFamily = givenFamily;
      if (text === 'inet' || text === 'inet6') {
        viaFamily = text === 'inet' ? 4 : 6;
        text = words.argument(word);
      }
      filter.via = prefix(word, text, viaFamily);
    } else if (word === 'src') filter.src = prefix(word, words.argument(word), givenFamily);
    else if (matches(word, 'realms')) {
      const text = words.argument(word);
      filter.realms = realmsValue(word, text, names.realms);
      filter.realmsBoth = text.includes('/');
    } else if (word === 'from') filter.from = selector(words, givenFamily, words.argument(word));
    else {
      const text = word === 'to' ? words.argument(word) : word;
      filter.dst = selector(words, givenFamily, text);
    }
  }
  // Only -4/-6 choose the family of a listing: as in iproute2, an IPv6 prefix
  // without -6 selects among IPv4 routes, so it selects nothing.
  if (givenFamily !== undefined) filter.family = givenFamily;
  return filter;
}

function selector(words: Words, family: Family | undefined, first: string): RouteShowFilter['dst'] {
  for (const kind of ['root', 'match', 'exact'] as const) {
    if (matches(first, kind)) return { kind, prefix: prefix(kind, words.argument(kind), family) };
  }
  return { kind: 'exact', prefix: prefix('to', first, family) };
}

function parseRouteGet(words: Words, names: NameRegistry, givenFamily?: Family): RouteCommand {
  const options: RouteGetOptions = {};
  const family = new FamilyTracker(givenFamily);
  let destination: string | undefined;
  while (!words.done) {
    const word = words.take();
    if (word === 'tos' || matches(word, 'dsfield')) options.tos = dsfield(word, words.argument(word), names.dsfields);
    else if (matches(word, 'from')) options.from = family.address(word, words.argument(word));
    else if (matches(word, 'iif')) options.iif = deviceName(word, words.argument(word));
    else if (matches(word, 'mark')) options.mark = unsigned('mark', words.argument(word));
    else if (matches(word, 'oif') || word === 'dev') options.oif = deviceName(word, words.argument(word));
    else if (word === 'uid') options.uid = unsigned(word, words.argument(word));
    else if (matches(word, 'ipproto')) options.ipproto = nameOrNumber('ipproto', words.argument(word), names.ipProtocols, 0xff);
    else if (matches(word, 'sport')) options.sport = unsigned(word, words.argument(word), 0xffff);
    else if (matches(word, 'dport')) options.dport = unsigned(word, words.argument(word), 0xffff);
    else if (matches(word, 'fibmatch')) options.fibmatch = true;
    else if (matches(word, 'vrf') || matches(word, 'connected') || word === 'as') {
      throw new UsageError(`"${word}" is not supported by nlroute route get`);
    } else if (word === 'help') throw new HelpRequest('route');
    else {
      const text = word === 'to' ? words.argument(word) : word;
      if (destination !== undefined) throw new UsageError(`"${text}" is not a keyword, and the address is already ${destination}`);
      const parsed = family.prefix('to', text);
      if (parsed.address === undefined) throw invalidArgument('to', text, 'route get needs an address');
      destination = parsed.address;
    }
  }
  if (destination === undefined) throw new UsageError('"route get" needs a destination address');
  return { object: 'route', verb: 'get', address: destination, options, family: family.family ?? 4 };
}

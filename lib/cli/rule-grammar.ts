// `ip rule` words -> a RuleSpec (add, del) or a show filter (list, show, flush), with
// iproute2 6.x's keywords, abbreviations and number forms. Names (tables, protocols,
// realms, groups, IP protocols) are resolved from the namespace's name files here,
// while reading, as iproute2 does: an unknown name is bad syntax.
import type { Family } from '../address';
import type { NameRegistry } from '../names/registry';
import type { RuleSpec } from '../rules/types';
import { address, prefix, unsigned, type ParsedPrefix } from './numbers';
import { deviceName, dsfield, nameOrNumber, portRange, realmsValue, uidRange } from './shared-grammar';
import { HelpRequest } from './help';
import { invalidArgument, matches, UsageError, Words } from './words';

/** What `ip rule show SELECTOR` keeps, with iproute2's matching (see ruleShown). */
export interface RuleShowFilter {
  family?: Family;
  priority?: number;
  not?: true;
  from?: ParsedPrefix;
  to?: ParsedPrefix;
  tos?: number;
  fwmark?: number;
  fwmask?: number;
  iif?: string;
  oif?: string;
  l3mdev?: true;
  uidrange?: [number, number];
  ipproto?: number;
  sport?: [number, number];
  dport?: [number, number];
  table?: number;
  protocol?: number;
}

export type RuleCommand =
  { object: 'rule'; verb: 'add' | 'delete'; spec: RuleSpec } | { object: 'rule'; verb: 'list' | 'flush'; filter: RuleShowFilter };

/** `args[at]` is the verb (`add`, `show`, ...), the words after it its arguments. */
export function parseRuleCommand(args: readonly string[], names: NameRegistry, family?: Family, at = 0): RuleCommand {
  const verb = args[at];
  const words = new Words(args, at + 1);
  if (verb === undefined || matches(verb, 'list') || matches(verb, 'lst') || matches(verb, 'show')) {
    return { object: 'rule', verb: 'list', filter: parseRuleFilter(words, names, family) };
  }
  if (matches(verb, 'add')) return { object: 'rule', verb: 'add', spec: parseRuleSpec(words, names, family) };
  if (matches(verb, 'delete')) {
    if (words.done) throw new UsageError('"rule del" requires arguments');
    return { object: 'rule', verb: 'delete', spec: parseRuleSpec(words, names, family) };
  }
  if (matches(verb, 'flush')) return { object: 'rule', verb: 'flush', filter: parseRuleFilter(words, names, family) };
  if (matches(verb, 'help')) throw new HelpRequest('rule');
  throw new UsageError(`command "${verb}" is unknown for "rule"; nlroute knows add, del, list, show, flush`);
}

function parseRuleSpec(words: Words, names: NameRegistry, givenFamily?: Family): RuleSpec {
  const spec: RuleSpec = {};
  let family = givenFamily;
  // The first address decides the family when no -4/-6 did, as in iproute2.
  const selector = (keyword: string): string => {
    const parsed = prefix(keyword, words.argument(keyword), family);
    family ??= parsed.family;
    return parsed.prefix ?? 'all';
  };
  while (!words.done) {
    const word = words.take();
    if (word === 'not') spec.not = true;
    else if (word === 'from') spec.from = selector(word);
    else if (word === 'to') spec.to = selector(word);
    else if (matches(word, 'preference') || matches(word, 'order') || matches(word, 'priority')) {
      spec.priority = unsigned('preference', words.argument(word));
    } else if (word === 'tos' || matches(word, 'dsfield')) spec.tos = dsfield(word, words.argument(word), names.dsfields);
    else if (word === 'fwmark') {
      const [mark, mask] = words.argument(word).split('/', 2);
      spec.fwmark = unsigned('fwmark', mark);
      if (mask !== undefined) spec.fwmask = unsigned('fwmark', mask);
    } else if (matches(word, 'realms')) spec.realms = realmsValue(word, words.argument(word), names.realms);
    else if (matches(word, 'protocol')) spec.protocol = nameOrNumber('protocol', words.argument(word), names.protocols, 0xff);
    else if (matches(word, 'table') || word === 'lookup')
      spec.table = nameOrNumber('table', words.argument(word), names.tables, 0xffffffff);
    else if (matches(word, 'suppress_prefixlength') || word === 'sup_pl') {
      spec.suppressPrefixlength = signedOrAll(word, words.argument(word));
    } else if (matches(word, 'suppress_ifgroup') || word === 'sup_group') {
      spec.suppressIfgroup = nameOrNumber('suppress_ifgroup', words.argument(word), names.groups, 0x7fffffff);
    } else if (word === 'dev' || word === 'iif') spec.iif = deviceName(word, words.argument(word));
    else if (word === 'oif') spec.oif = deviceName(word, words.argument(word));
    else if (word === 'l3mdev') spec.l3mdev = true;
    else if (word === 'uidrange') spec.uidrange = uidRange(word, words.argument(word));
    else if (word === 'ipproto') spec.ipproto = nameOrNumber(word, words.argument(word), names.ipProtocols, 0xff);
    else if (word === 'sport' || word === 'dport') spec[word] = portRange(word, words.argument(word));
    else if (word === 'nat' || matches(word, 'map-to')) {
      spec.nat = address(word, words.argument(word), family).address;
      family ??= 4;
    } else if (word === 'help') throw new HelpRequest('rule');
    else {
      const type = word === 'type' ? words.argument(word) : word;
      if (matches(type, 'goto')) {
        spec.action = 'goto';
        spec.goto = unsigned('goto', words.argument(type));
      } else if (matches(type, 'nop')) spec.action = 'nop';
      else if (type === 'blackhole' || type === 'unreachable' || type === 'prohibit') spec.action = type;
      else if (type === 'unicast') spec.action = 'lookup';
      else throw invalidArgument('type', type, 'failed to parse rule type');
    }
  }
  if (family !== undefined) spec.family = family;
  return spec;
}

// iproute2 reads suppress_prefixlength as a signed number; -1 means "none".
function signedOrAll(keyword: string, text: string): number {
  if (text === '-1') return 0xffffffff;
  return unsigned(keyword, text);
}

function parseRuleFilter(words: Words, names: NameRegistry, family?: Family): RuleShowFilter {
  const filter: RuleShowFilter = {};
  if (family !== undefined) filter.family = family;
  while (!words.done) {
    const word = words.take();
    if (matches(word, 'preference') || matches(word, 'order') || matches(word, 'priority')) {
      filter.priority = unsigned('preference', words.argument(word));
    } else if (word === 'not') filter.not = true;
    else if (word === 'tos' || matches(word, 'dsfield')) filter.tos = dsfield(word, words.argument(word), names.dsfields);
    else if (word === 'fwmark') {
      const [mark, mask] = words.argument(word).split('/', 2);
      filter.fwmark = unsigned('fwmark', mark);
      if (mask !== undefined) filter.fwmask = unsigned('fwmark', mask);
    } else if (word === 'dev' || word === 'iif') filter.iif = deviceName(word, words.argument(word));
    else if (word === 'oif') filter.oif = deviceName(word, words.argument(word));
    else if (word === 'l3mdev') filter.l3mdev = true;
    else if (word === 'uidrange') filter.uidrange = uidRange(word, words.argument(word));
    else if (word === 'ipproto') filter.ipproto = nameOrNumber(word, words.argument(word), names.ipProtocols, 0xff);
    else if (word === 'sport' || word === 'dport') filter[word] = portRange(word, words.argument(word));
    else if (matches(word, 'lookup') || matches(word, 'table'))
      filter.table = nameOrNumber('table', words.argument(word), names.tables, 0xffffffff);
    else if (matches(word, 'protocol')) filter.protocol = nameOrNumber('protocol', words.argument(word), names.protocols, 0xff);
    else if (matches(word, 'from') || matches(word, 'src')) filter.from = prefix(word, words.argument(word), filter.family);
    else {
      const text = matches(word, 'dst') || matches(word, 'to') ? words.argument(word) : word;
      filter.to = prefix('to', text, filter.family);
    }
  }
  return filter;
}

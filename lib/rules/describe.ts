// A rule spec in `ip rule` words, for error messages: "pref 32768 from 10.0.0.5 lookup 16".
import { wordOf } from '../word-of';
import type { RuleSpec } from './types';

const ORDER: Array<[keyof RuleSpec, string]> = [
  ['priority', 'pref'],
  ['pref', 'pref'],
  ['not', 'not'],
  ['from', 'from'],
  ['to', 'to'],
  ['tos', 'tos'],
  ['dsfield', 'tos'],
  ['dscp', 'dscp'],
  ['fwmark', 'fwmark'],
  ['fwmask', 'fwmask'],
  ['iif', 'iif'],
  ['oif', 'oif'],
  ['uidrange', 'uidrange'],
  ['ipproto', 'ipproto'],
  ['sport', 'sport'],
  ['dport', 'dport'],
  ['tunId', 'tun_id'],
  ['l3mdev', 'l3mdev'],
  ['flowlabel', 'flowlabel'],
  ['protocol', 'proto'],
  ['table', 'lookup'],
  ['lookup', 'lookup'],
  ['action', ''],
  ['goto', 'goto'],
  ['suppressPrefixlength', 'suppress_prefixlength'],
  ['suppressIfgroup', 'suppress_ifgroup'],
  ['realms', 'realms'],
  ['nat', 'nat'],
];

export function describeRule(spec: RuleSpec): string {
  const words: string[] = [];
  if (spec.family === 6) words.push('-6');
  for (const [key, word] of ORDER) {
    const value = (spec as Record<string, unknown>)[key];
    if (value === undefined || value === false) continue;
    if (key === 'action') {
      if (value !== 'lookup' && value !== 'goto' && value !== 'nat') words.push(wordOf(value));
      continue;
    }
    if (value === true) words.push(word);
    else words.push(word, Array.isArray(value) ? value.map(wordOf).join('-') : wordOf(value));
  }
  return words.join(' ') || 'all';
}

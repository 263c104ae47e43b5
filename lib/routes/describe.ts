// A route spec in `ip route` words, for error messages: "10.0.0.0/24 via 10.0.0.1 dev v0 table 16".
import { wordOf } from '../word-of';
import type { RouteFilter, RouteSpec } from './types';

const ORDER: Array<[string, string]> = [
  ['type', ''],
  ['dst', ''],
  ['root', 'root'],
  ['match', 'match'],
  ['from', 'from'],
  ['tos', 'tos'],
  ['dsfield', 'tos'],
  ['via', 'via'],
  ['dev', 'dev'],
  ['src', 'src'],
  ['table', 'table'],
  ['metric', 'metric'],
  ['priority', 'metric'],
  ['preference', 'metric'],
  ['protocol', 'proto'],
  ['proto', 'proto'],
  ['scope', 'scope'],
  ['nhid', 'nhid'],
  ['realms', 'realms'],
  ['pref', 'pref'],
  ['expires', 'expires'],
  ['onlink', 'onlink'],
];

export function describeRoute(spec: RouteSpec | RouteFilter): string {
  const s = spec as Record<string, unknown>;
  const words: string[] = [];
  if (s.family === 6) words.push('-6');
  for (const [key, word] of ORDER) {
    const value = s[key];
    if (value === undefined || value === false) continue;
    if (key === 'type' && value === 'unicast') continue;
    if (value === true) words.push(word);
    else words.push(...(word ? [word] : []), wordOf(value));
  }
  const hops = s.nexthops as RouteSpec['nexthops'];
  for (const hop of hops ?? []) {
    words.push('nexthop');
    if (hop.via !== undefined) words.push('via', String(hop.via));
    if (hop.dev !== undefined) words.push('dev', String(hop.dev));
    if (hop.weight !== undefined) words.push('weight', String(hop.weight));
  }
  return words.join(' ') || 'all';
}

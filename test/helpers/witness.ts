// iproute2 as an independent witness: `ip -N -j -d rule show` read back into the
// shape of nlroute's Rule, so the two views of the kernel can be compared field by field.
import type { Rule } from '../../lib';
import type { ScratchNamespace } from './netns';

type IpRuleJson = Record<string, string | number | null | undefined>;

export function ipRules(ns: ScratchNamespace, family: 4 | 6): Rule[] {
  return ns.ipJson<IpRuleJson[]>(`-${family} -N -d rule show`).map((j) => ipRuleToRule(j, family));
}

export function ipRuleAt(ns: ScratchNamespace, family: 4 | 6, priority: number): Rule[] {
  return ipRules(ns, family).filter((r) => r.priority === priority);
}

function prefix(address: unknown, length: unknown, family: 4 | 6): string | undefined {
  if (address === undefined || address === 'all') return undefined;
  if (typeof address !== 'string') throw new Error(`ip -j: expected an address, got ${JSON.stringify(address)}`);
  return `${address}/${Number(length ?? (family === 4 ? 32 : 128))}`;
}

function range(j: IpRuleJson, key: string): [number, number] | undefined {
  if (j[key] !== undefined) return [Number(j[key]), Number(j[key])];
  if (j[`${key}_start`] !== undefined) return [Number(j[`${key}_start`]), Number(j[`${key}_end`])];
  return undefined;
}

export function ipRuleToRule(j: IpRuleJson, family: 4 | 6): Rule {
  let action: Rule['action'] = 'lookup';
  // With -N iproute2 prints the action as its number.
  const ACTIONS: Record<string, Rule['action']> = { '6': 'blackhole', '7': 'unreachable', '8': 'prohibit' };
  if (typeof j.action === 'string') action = ACTIONS[j.action] ?? (j.action as Rule['action']);
  if ('nop' in j) action = 'nop';
  if (j.goto !== undefined) action = 'goto';
  if ('masquerade' in j || 'nat' in j || 'map-to' in j) action = 'nat';
  const rule: Rule = { family, priority: Number(j.priority ?? 0), action, protocol: Number(j.protocol ?? 0) };
  if ('not' in j) rule.not = true;
  const from = prefix(j.src, j.srclen, family);
  if (from) rule.from = from;
  const to = prefix(j.dst, j.dstlen, family);
  if (to) rule.to = to;
  if (j.tos !== undefined) rule.tos = Number(j.tos);
  if (j.fwmark !== undefined) {
    rule.fwmark = Number(j.fwmark);
    // iproute2 hides the all-ones mask that the kernel fills in.
    rule.fwmask = j.fwmask !== undefined ? Number(j.fwmask) : 0xffffffff;
  }
  if (j.iif !== undefined) rule.iif = String(j.iif);
  if (j.oif !== undefined) rule.oif = String(j.oif);
  if (j.table !== undefined && Number(j.table) !== 0) rule.table = Number(j.table);
  if (j.goto !== undefined) rule.goto = Number(j.goto);
  if (j.suppress_prefixlen !== undefined) rule.suppressPrefixlength = Number(j.suppress_prefixlen);
  if (j.suppress_ifgroup !== undefined) rule.suppressIfgroup = Number(j.suppress_ifgroup);
  if (j.uid_start !== undefined) rule.uidrange = [Number(j.uid_start), Number(j.uid_end)];
  if (j.ipproto !== undefined) rule.ipproto = Number(String(j.ipproto).replace('ipproto-', ''));
  const sport = range(j, 'sport');
  if (sport) rule.sport = sport;
  const dport = range(j, 'dport');
  if (dport) rule.dport = dport;
  if ('l3mdev' in j) rule.l3mdev = true;
  if (j.flow_to !== undefined) rule.realms = ((Number(j.flow_from ?? 0) << 16) | Number(j.flow_to)) >>> 0;
  if (j.tun_id !== undefined) rule.tunId = BigInt(String(j.tun_id));
  if (j['map-to'] !== undefined) rule.nat = String(j['map-to']);
  if ('iif_detached' in j) rule.iifDetached = true;
  if ('oif_detached' in j) rule.oifDetached = true;
  if ('unresolved' in j) rule.unresolved = true;
  return rule;
}

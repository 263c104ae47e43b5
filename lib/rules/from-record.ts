// RuleRecord (as dumped by the kernel) -> Rule (the public value type).
import { formatPrefix } from '../address';
import { AF, type RuleRecord } from '../native';
import { ACTION_CODES, FIB_RULE } from './codes';
import type { Rule, RuleAction } from './types';

const ACTION_NAMES = new Map<number, RuleAction>(Object.entries(ACTION_CODES).map(([name, code]) => [code, name as RuleAction]));

export function recordToRule(r: RuleRecord): Rule {
  const family = r.family === AF.INET6 ? 6 : 4;
  const action = ACTION_NAMES.get(r.action ?? 0) ?? 'lookup';
  const flags = r.flags ?? 0;
  const rule: Rule = { family, priority: r.priority ?? 0, action, protocol: r.protocol ?? 0 };
  if (flags & FIB_RULE.INVERT) rule.not = true;
  const from = formatPrefix(r.src, r.srcLen);
  if (from) rule.from = from;
  const to = formatPrefix(r.dst, r.dstLen);
  if (to) rule.to = to;
  if (r.tos) rule.tos = r.tos;
  if (r.dscp !== undefined) rule.dscp = r.dscp;
  if (r.fwmark !== undefined) rule.fwmark = r.fwmark;
  if (r.fwmask !== undefined) rule.fwmask = r.fwmask;
  if (r.iifname !== undefined) rule.iif = r.iifname;
  if (r.oifname !== undefined) rule.oif = r.oifname;
  // A table only means something to rules that look one up; the kernel reports 0 otherwise.
  if (r.table) rule.table = r.table;
  if (r.goto !== undefined) rule.goto = r.goto;
  if (r.suppressPrefixlen !== undefined) rule.suppressPrefixlength = r.suppressPrefixlen;
  if (r.suppressIfgroup !== undefined) rule.suppressIfgroup = r.suppressIfgroup;
  if (r.uidRange) rule.uidrange = r.uidRange;
  if (r.ipProto !== undefined) rule.ipproto = r.ipProto;
  if (r.sport) rule.sport = r.sport;
  if (r.dport) rule.dport = r.dport;
  if (r.l3mdev) rule.l3mdev = true;
  if (r.flow !== undefined) rule.realms = r.flow;
  if (r.tunId !== undefined) rule.tunId = r.tunId;
  if (r.flowlabel !== undefined) rule.flowlabel = r.flowlabel;
  if (r.flowlabelMask !== undefined) rule.flowlabelMask = r.flowlabelMask;
  if (r.natGateway !== undefined) rule.nat = r.natGateway;
  if (flags & FIB_RULE.IIF_DETACHED) rule.iifDetached = true;
  if (flags & FIB_RULE.OIF_DETACHED) rule.oifDetached = true;
  if (flags & FIB_RULE.UNRESOLVED) rule.unresolved = true;
  return rule;
}

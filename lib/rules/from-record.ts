// RuleRecord (as dumped by the kernel) -> Rule (the public value type).
import { formatPrefix } from '../address';
import { AF, type RuleRecord } from '../native';
import { ACTION_CODES } from './to-record';
import type { Rule, RuleAction } from './types';

const ACTION_NAMES = new Map<number, RuleAction>(
  Object.entries(ACTION_CODES).map(([name, code]) => [code, name as RuleAction]),
);

const FIB_RULE_INVERT = 0x02;
const FIB_RULE_UNRESOLVED = 0x04;
const FIB_RULE_IIF_DETACHED = 0x08;
const FIB_RULE_OIF_DETACHED = 0x10;

export function recordToRule(r: RuleRecord): Rule {
  const family = r.family === AF.INET6 ? 6 : 4;
  const action = ACTION_NAMES.get(r.action ?? 0) ?? 'lookup';
  const flags = r.flags ?? 0;
  const rule: Rule = { family, priority: r.priority ?? 0, action, protocol: r.protocol ?? 0 };
  if (flags & FIB_RULE_INVERT) rule.not = true;
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
  if (flags & FIB_RULE_IIF_DETACHED) rule.iifDetached = true;
  if (flags & FIB_RULE_OIF_DETACHED) rule.oifDetached = true;
  if (flags & FIB_RULE_UNRESOLVED) rule.unresolved = true;
  return rule;
}

/** Kernel attribute names in extended ACKs -> the field names of RuleSpec. */
export const RULE_FIELD_OF_ATTRIBUTE: Record<string, string> = {
  header: 'rule',
  FRA_SRC: 'from',
  FRA_DST: 'to',
  FRA_IIFNAME: 'iif',
  FRA_OIFNAME: 'oif',
  FRA_GOTO: 'goto',
  FRA_PRIORITY: 'priority',
  FRA_FWMARK: 'fwmark',
  FRA_FWMASK: 'fwmask',
  FRA_FLOW: 'realms',
  FRA_TUN_ID: 'tunId',
  FRA_SUPPRESS_IFGROUP: 'suppressIfgroup',
  FRA_SUPPRESS_PREFIXLEN: 'suppressPrefixlength',
  FRA_TABLE: 'table',
  FRA_L3MDEV: 'l3mdev',
  FRA_UID_RANGE: 'uidrange',
  FRA_PROTOCOL: 'protocol',
  FRA_IP_PROTO: 'ipproto',
  FRA_SPORT_RANGE: 'sport',
  FRA_DPORT_RANGE: 'dport',
  FRA_DSCP: 'dscp',
  FRA_FLOWLABEL: 'flowlabel',
  FRA_FLOWLABEL_MASK: 'flowlabelMask',
  RTA_GATEWAY: 'nat',
};

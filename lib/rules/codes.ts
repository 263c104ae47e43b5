// The kernel's numbers for rule words (linux/fib_rules.h), and the names its extended
// ACKs give rule attributes: one home for both, as routes/codes.ts is for routes.
import type { RuleAction } from './types';

export const ACTION_CODES: Record<RuleAction, number> = {
  lookup: 1,
  goto: 2,
  nop: 3,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  nat: 10, // RTN_NAT: what iproute2 sends for the deprecated `nat`
};

/** fib_rule_hdr flags the kernel reports. */
export const FIB_RULE = { INVERT: 0x02, UNRESOLVED: 0x04, IIF_DETACHED: 0x08, OIF_DETACHED: 0x10 } as const;

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

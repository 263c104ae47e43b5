// The public shape of a policy rule: the words people type after `ip rule`.
import type { Family } from '../address';

export type RuleAction = 'lookup' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit' | 'nat';

/** A range given as one number, `[start, end]`, `'start-end'` or `{ start, end }`. */
export type RangeInput = number | [number, number] | string | { start: number; end: number };

/**
 * A rule to add, a match to delete, or a filter to list. Everything is optional;
 * what is absent is "any" when deleting and listing, and iproute2's default when
 * adding (action lookup, table main, the kernel picks the priority).
 */
export interface RuleSpec {
  /** 4 or 6. Inferred from `from`/`to`/`nat` addresses; IPv4 when nothing says otherwise. */
  family?: Family;
  priority?: number;
  /** Alias of `priority`, as in `ip rule add pref N`. */
  pref?: number;
  /** Inverts the selector. The kernel's delete matching ignores it (see README). */
  not?: boolean;
  /** Source prefix: `'10.0.0.0/24'`, `'10.0.0.5'` (a host), `'all'`. */
  from?: string;
  /** Destination prefix. */
  to?: string;
  /** TOS byte, a number or a name from rt_dsfield. */
  tos?: number | string;
  /** Alias of `tos`. */
  dsfield?: number | string;
  /** DSCP value 0..63 (newer kernels; not together with `tos`). */
  dscp?: number | string;
  fwmark?: number | string;
  /** Mask for `fwmark`; the kernel uses 0xffffffff when a mark is given without one. */
  fwmask?: number | string;
  /** Input device name (stored by name; it need not exist yet). */
  iif?: string;
  /** Output device name. */
  oif?: string;
  /** Table number (up to 2^32-1) or a name from rt_tables: `main`, `local`, `default`, ... */
  table?: number | string;
  /** Alias of `table`, as in `ip rule add ... lookup 16`. */
  lookup?: number | string;
  /** What the rule does; `lookup` when a table is given, and by default. */
  action?: RuleAction;
  /** Target priority of a `goto` rule (sets the action to goto). */
  goto?: number;
  suppressPrefixlength?: number;
  suppressIfgroup?: number | string;
  uidrange?: RangeInput;
  /** IP protocol: a number or a name from /etc/protocols (`tcp`). */
  ipproto?: number | string;
  sport?: RangeInput;
  dport?: RangeInput;
  l3mdev?: boolean;
  /** Who installed the rule: a number or a name from rt_protos (`static`, `kernel`). */
  protocol?: number | string;
  /** `FROM/TO` realm names or numbers, or the raw 32-bit value. */
  realms?: number | string;
  tunId?: bigint | number;
  flowlabel?: number;
  flowlabelMask?: number;
  /** Deprecated route NAT (`ip rule add ... nat ADDRESS`); accepted with a warning. */
  nat?: string;
}

/** A rule as the kernel reports it. It can be passed unchanged to `delete()`. */
export interface Rule {
  family: Family;
  priority: number;
  not?: true;
  from?: string;
  to?: string;
  tos?: number;
  dscp?: number;
  fwmark?: number;
  fwmask?: number;
  iif?: string;
  oif?: string;
  table?: number;
  action: RuleAction;
  goto?: number;
  suppressPrefixlength?: number;
  suppressIfgroup?: number;
  uidrange?: [number, number];
  ipproto?: number;
  sport?: [number, number];
  dport?: [number, number];
  l3mdev?: true;
  protocol: number;
  realms?: number;
  tunId?: bigint;
  flowlabel?: number;
  flowlabelMask?: number;
  nat?: string;
  /** Read-only state: the iif/oif device does not exist (yet). Ignored on input. */
  iifDetached?: true;
  oifDetached?: true;
  /** Read-only state: a goto whose target priority has no rule. Ignored on input. */
  unresolved?: true;
}

/** What `list()` and `flush()` select on: the fields of a rule spec. */
export type RuleFilter = RuleSpec;

/**
 * What a rule reconcile owns: the rules a list() with these fields selects, and
 * with `priority` a single priority or an inclusive range (`[32768, 72767]`).
 */
export interface RuleScope extends Omit<RuleFilter, 'priority' | 'pref'> {
  priority?: number | [number, number];
}

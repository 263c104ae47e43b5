// `ip rule show SELECTOR` and `ip rule flush SELECTOR`: the rules of one family,
// kept with iproute2's matching, which is not the kernel's (the kernel cannot filter
// rule dumps at all) and not the library's exact-field filter (`from 10.0.0.0/8`
// shows the rules whose source lies inside 10.0.0.0/8).
import type { Handle } from '../handle';
import type { Rule } from '../rules/types';
import { insidePrefix } from './prefix-match';
import type { RuleShowFilter } from './rule-grammar';

export async function shownRules(handle: Handle, filter: RuleShowFilter): Promise<Rule[]> {
  const keep = ruleSelector(filter);
  const rules = await handle.rules.list({ family: filter.family ?? 4 });
  return rules.filter(keep);
}

/** The test a rule must pass. */
export function ruleSelector(filter: RuleShowFilter): (rule: Rule) => boolean {
  const sameRange = (a?: [number, number], b?: [number, number]) => a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
  return (rule) => {
    if (filter.priority !== undefined && rule.priority !== filter.priority) return false;
    if (filter.not && !rule.not) return false;
    if (filter.from && !insidePrefix(rule.from, filter.from)) return false;
    if (filter.to && !insidePrefix(rule.to, filter.to)) return false;
    if (filter.tos !== undefined && (rule.tos ?? 0) !== filter.tos) return false;
    // As in iproute2, a zero mark or mask in the filter selects nothing.
    if (filter.fwmark && (rule.fwmark ?? 0) !== filter.fwmark) return false;
    if (filter.fwmask && (rule.fwmask ?? 0) !== filter.fwmask) return false;
    if (filter.iif !== undefined && rule.iif !== filter.iif) return false;
    if (filter.oif !== undefined && rule.oif !== filter.oif) return false;
    if (filter.l3mdev && !rule.l3mdev) return false;
    if (filter.uidrange && !sameRange(rule.uidrange, filter.uidrange)) return false;
    if (filter.sport && !sameRange(rule.sport, filter.sport)) return false;
    if (filter.dport && !sameRange(rule.dport, filter.dport)) return false;
    if (filter.ipproto !== undefined && rule.ipproto !== filter.ipproto) return false;
    if (filter.table && (rule.table ?? 0) !== filter.table) return false;
    if (filter.protocol !== undefined && rule.protocol !== filter.protocol) return false;
    return true;
  };
}

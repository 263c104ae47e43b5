// When are two rules the same rule? Compared as records, as an add would send them,
// after filling in what the kernel fills in (protocol 0, an all-ones fwmask with a
// fwmark) and leaving out what says "any" (from/to all, tos 0, not inverted).
import type { RuleRecord } from '../native';
import { sameValue, stableJson } from '../stable-json';

export function ruleIdentity(record: RuleRecord): string {
  const r: Record<string, unknown> = { ...record, protocol: record.protocol ?? 0 };
  if (record.fwmark !== undefined && record.fwmask === undefined) r.fwmask = 0xffffffff;
  if (!record.srcLen) {
    delete r.src;
    delete r.srcLen;
  }
  if (!record.dstLen) {
    delete r.dst;
    delete r.dstLen;
  }
  for (const key of ['tos', 'invert'] as const) if (!r[key]) delete r[key];
  return stableJson(r);
}

/** Whether a listed rule is what a request's record describes: action 0 and table 0 are wildcards of a delete. */
export function ruleCovers(seen: RuleRecord, wanted: RuleRecord): boolean {
  for (const key of Object.keys(wanted) as Array<keyof RuleRecord>) {
    const want = wanted[key];
    if (want === undefined) continue;
    if ((key === 'action' || key === 'table') && want === 0) continue;
    if (!sameValue(seen[key], want)) return false;
  }
  return true;
}

// Prefix arithmetic for show filters, with iproute2's meanings: `root P` keeps what
// lies inside P, `match P` what contains P, `exact P` what is P.
import { ipNum } from '../ip-num';

import { splitPrefix } from './print-style';
import type { ParsedPrefix } from './numbers';

/** The address as a number of its family's width. */
function bits(address: string): bigint {
  return address.includes(':') ? ipNum().IPv6.fromString(address).getValue() : ipNum().IPv4.fromString(address).getValue();
}

/** Do the first `length` bits of the two addresses agree? */
function samePrefix(a: string, b: string, length: number): boolean {
  const width = a.includes(':') ? 128n : 32n;
  const shift = width - BigInt(length);
  return bits(a) >> shift === bits(b) >> shift;
}

/** A prefix of a route or rule, as the kernel reported it (`undefined` is the whole space). */
function asPrefix(text: string | undefined, familyWidth: number): { address?: string; length: number } {
  if (text === undefined || text === 'default') return { length: 0 };
  const { address, length } = splitPrefix(text);
  return { address, length: Math.min(length, familyWidth) };
}

function widthOf(filter: ParsedPrefix): number {
  return filter.family === 6 ? 128 : 32;
}

/** `root`: the object's prefix lies inside the filter's. */
export function insidePrefix(object: string | undefined, filter: ParsedPrefix): boolean {
  const it = asPrefix(object, widthOf(filter));
  if (filter.length > it.length) return false;
  if (filter.length === 0) return true;
  return it.address !== undefined && familyOf(it.address) === filter.family && samePrefix(it.address, filter.address!, filter.length);
}

/** `match`: the object's prefix contains the filter's. */
export function containsPrefix(object: string | undefined, filter: ParsedPrefix): boolean {
  const it = asPrefix(object, widthOf(filter));
  if (it.length > filter.length) return false;
  if (it.length === 0) return true;
  return (
    filter.address !== undefined &&
    it.address !== undefined &&
    familyOf(it.address) === filter.family &&
    samePrefix(it.address, filter.address, it.length)
  );
}

export function selectorMatches(object: string | undefined, selector: { kind: 'exact' | 'root' | 'match'; prefix: ParsedPrefix }): boolean {
  if (selector.kind === 'root') return insidePrefix(object, selector.prefix);
  if (selector.kind === 'match') return containsPrefix(object, selector.prefix);
  return insidePrefix(object, selector.prefix) && containsPrefix(object, selector.prefix);
}

function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

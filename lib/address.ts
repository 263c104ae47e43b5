// Addresses and prefixes as people type them, checked before they are handed to the
// native layer: IPv6 with ip-num, IPv4 by a character loop (it runs for every
// address of every request). IPv4 accepts iproute2's short forms (`10/8`,
// `192.203.80/24`: missing octets are zero), so the seed's examples work verbatim.
import { ipNum } from './ip-num';

import { ValidationError } from './errors';

export type Family = 4 | 6;

export interface Prefix {
  family: Family;
  /** Address text the kernel codec accepts (short IPv4 forms expanded). */
  address: string;
  length: number;
}

/** `10.0.0.0/24`, `10.0.0.5` (a host: /32), `2001:db8::/32`, `192.203.80/24`. */
export function parsePrefix(field: string, value: unknown): Prefix {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(field, value, 'expected a prefix string like "10.0.0.0/24"');
  }
  const slash = value.indexOf('/');
  const addressText = slash < 0 ? value : value.slice(0, slash);
  const kind = addressKind(field, value, addressText);
  const family: Family = kind === IPV6 ? 6 : 4;
  const address = writtenOut(addressText, kind);
  const max = family === 4 ? 32 : 128;
  // Without a length it is a host, short form or not (`10` is 10.0.0.0/32, as in iproute2).
  if (slash < 0) return { family, address, length: max };
  const length = readLength(value, slash + 1);
  if (length === undefined || length > max) throw new ValidationError(field, value, `prefix length must be 0..${max}`);
  return { family, address, length };
}

/** The decimal number of 1..3 digits from `start` to the end of `text`. */
function readLength(text: string, start: number): number | undefined {
  const digits = text.length - start;
  if (digits < 1 || digits > 3) return undefined;
  let n = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** A single address (no length): `10.0.0.1`, `2001:db8::1`. */
export function parseAddress(field: string, value: unknown): { family: Family; address: string } {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(field, value, 'expected an address string');
  }
  if (value.includes('/')) throw new ValidationError(field, value, 'expected an address, not a prefix');
  const kind = addressKind(field, value, value);
  // Short forms (`10.1`) are prefixes' business; a lone address must be written out.
  if (kind !== IPV6 && kind !== 4) throw new ValidationError(field, value, 'expected a full dotted IPv4 address');
  return { family: kind === IPV6 ? 6 : 4, address: value };
}

// What an address text is: IPv6, or IPv4 with this many octets (short forms have fewer than 4).
const IPV6 = 0;
type AddressKind = typeof IPV6 | 1 | 2 | 3 | 4;

/** The text's kind; a ValidationError naming `field` and `whole` when it is no address. */
function addressKind(field: string, whole: string, text: string): AddressKind {
  if (text.includes(':')) {
    if (text.includes('%') || !ipNum().Validator.isValidIPv6String(text)[0]) {
      throw new ValidationError(field, whole, 'not a valid IPv6 address');
    }
    return IPV6;
  }
  const octets = ipv4Octets(text);
  if (octets === LEADING_ZERO) {
    // `ip` and inet_aton read a leading zero as octal (010 is 8): an address copied from an
    // ip script would be programmed as another one. Refused, not guessed.
    throw new ValidationError(
      field,
      whole,
      'an octet with a leading zero is ambiguous (ip reads 010 as octal 8): write it in plain decimal',
    );
  }
  if (octets === NOT_IPV4)
    throw new ValidationError(field, whole, 'not a valid IPv4 address (dotted decimal; hex and octal parts are not taken)');
  return octets;
}

const NOT_IPV4 = -1;
const LEADING_ZERO = -2;

/**
 * How many octets of dotted decimal the text has: one to four of 0..255 (iproute2's
 * short forms: missing octets are zero), none with a leading zero (`010`, which ip
 * reads as octal). A character loop that allocates nothing: this runs for every
 * address of every request, and regular expressions, splitting or even a result
 * object cost more than the kernel does.
 */
function ipv4Octets(text: string): 1 | 2 | 3 | 4 | typeof NOT_IPV4 | typeof LEADING_ZERO {
  let octets = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' closes the last octet
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return LEADING_ZERO;
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return NOT_IPV4;
    } else if (c === 46) {
      if (digits === 0 || octets === 4) return NOT_IPV4;
      octets++;
      digits = 0;
      value = 0;
    } else {
      return NOT_IPV4;
    }
  }
  return octets as 1 | 2 | 3 | 4;
}

/** The address text written out in full: IPv4's short forms (`10.1`) get their zero octets. */
function writtenOut(text: string, kind: AddressKind): string {
  if (kind === IPV6 || kind === 4) return text;
  const parts = text.split('.');
  while (parts.length < 4) parts.push('0');
  return parts.join('.');
}

/**
 * An IPv6 address in RFC 5952's text (lower case, no leading zeros, the longest run
 * of two or more zero groups as `::`, the first on a tie), as the kernel, iproute2 and
 * Python print it: for when the text itself matters (Neutron hashes it).
 */
export function canonicalIpv6(field: string, value: unknown): string {
  const { family, address } = parseAddress(field, value);
  if (family !== 6) throw new ValidationError(field, value, 'expected an IPv6 address');
  const groups = ipNum()
    .IPv6.fromString(address)
    .toString()
    .split(':')
    .map((g) => Number.parseInt(g, 16).toString(16));
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j > i ? j : i + 1;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

/** `10.0.0.0/24` from what the kernel reported. */
export function formatPrefix(address: string | undefined, length: number | undefined): string | undefined {
  if (address === undefined || !length) return undefined;
  return `${address}/${length}`;
}

const DEFAULT_WORDS = new Set(['default', 'all', 'any']);

/**
 * A route destination: a prefix, or `default` (also `all`, `any`) meaning length 0.
 * `family` is undefined for `default`: it says nothing about the family.
 */
export function parseDestination(field: string, value: unknown): { family?: Family; address?: string; length: number } {
  if (typeof value === 'string' && DEFAULT_WORDS.has(value)) return { length: 0 };
  const prefix = parsePrefix(field, value);
  return prefix.length === 0 ? { family: prefix.family, length: 0 } : prefix;
}

/**
 * True when an IPv4 prefix has bits set beyond its length (`10.1.0.0/8`). A character
 * loop over the written-out address (parsePrefix's), as ipv4Octets: it runs for every
 * route added.
 */
export function ipv4HostBitsSet(prefix: Prefix): boolean {
  if (prefix.family !== 4 || prefix.length >= 32) return false;
  const text = prefix.address;
  let value = 0;
  let octet = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' closes the last octet
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 48);
    }
  }
  return value % 2 ** (32 - prefix.length) !== 0;
}

/**
 * The family that a spec's `family` field and its addresses agree on, undefined when
 * none of them says: `new FamilyAgreement(spec.family).address('dst', spec.dst,
 * dst?.family)...family`, the addresses in the order iproute2 reads them. The first
 * that disagrees is a ValidationError. One object per spec, not an array of tuples:
 * it runs for every operation of a batch.
 */
export class FamilyAgreement {
  family: Family | undefined;
  private decidedBy = '';

  constructor(given: unknown) {
    if (given === undefined) return;
    if (given !== 4 && given !== 6) throw new ValidationError('family', given, 'must be 4 or 6');
    this.family = given;
    this.decidedBy = 'family';
  }

  /** `field` holds `value`, of family `family` (undefined: it says none). */
  address(field: string, value: unknown, family: Family | undefined): this {
    if (family === undefined) return this;
    if (this.family !== undefined && family !== this.family) {
      throw new ValidationError(field, value, `is IPv${family} but ${this.decidedBy} says IPv${this.family}`);
    }
    this.family = family;
    this.decidedBy = field;
    return this;
  }
}

// Addresses and prefixes as people type them, checked with ip-num before they are
// handed to the native layer. IPv4 accepts iproute2's short forms (`10/8`,
// `192.203.80/24`: missing octets are zero), so the seed's examples work verbatim.
import { Validator } from 'ip-num';

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
  const { family, address } = parseAddressText(field, value, addressText);
  const max = family === 4 ? 32 : 128;
  // Without a length it is a host, short form or not (`10` is 10.0.0.0/32, as in iproute2).
  if (slash < 0) return { family, address, length: max };
  const lengthText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > max) {
    throw new ValidationError(field, value, `prefix length must be 0..${max}`);
  }
  return { family, address, length: Number(lengthText) };
}

/** A single address (no length): `10.0.0.1`, `2001:db8::1`. */
export function parseAddress(field: string, value: unknown): { family: Family; address: string } {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(field, value, 'expected an address string');
  }
  if (value.includes('/')) throw new ValidationError(field, value, 'expected an address, not a prefix');
  const parsed = parseAddressText(field, value, value);
  // Short forms (`10.1`) are prefixes' business; a lone address must be written out.
  if (parsed.family === 4 && value.split('.').length !== 4) {
    throw new ValidationError(field, value, 'expected a full dotted IPv4 address');
  }
  return parsed;
}

function parseAddressText(field: string, whole: string, text: string): { family: Family; address: string } {
  if (text.includes(':')) {
    if (text.includes('%') || !Validator.isValidIPv6String(text)[0]) {
      throw new ValidationError(field, whole, 'not a valid IPv6 address');
    }
    return { family: 6, address: text };
  }
  const octets = text.split('.');
  if (octets.length > 4 || octets.some((o) => !/^\d{1,3}$/.test(o))) {
    throw new ValidationError(field, whole, 'not a valid IPv4 address');
  }
  const full = [...octets, '0', '0', '0'].slice(0, 4).map(Number).join('.');
  if (!Validator.isValidIPv4String(full)[0]) throw new ValidationError(field, whole, 'not a valid IPv4 address');
  return { family: 4, address: full };
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

/** True when an IPv4 prefix has bits set beyond its length (`10.1.0.0/8`). */
export function ipv4HostBitsSet(prefix: Prefix): boolean {
  if (prefix.family !== 4 || prefix.length >= 32) return false;
  const value = prefix.address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return value % 2 ** (32 - prefix.length) !== 0;
}

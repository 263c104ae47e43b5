// Numbers and addresses as iproute2 reads them: strtoul with base 0 (decimal,
// 0x-hex, 0-octal), TOS bytes in hex, and IPv4 addresses whose parts are each
// strtoul(…, 0) and may be fewer than four (`192.203.80/24`, `010.1` is 8.1.0.0).
import { ipNum } from '../ip-num';

import type { Family } from '../address';
import { invalidArgument, UsageError } from './words';

/** get_u32(…, 0): decimal, 0x-hex or 0-octal, at most `max`. */
export function unsigned(keyword: string, text: string, max = 0xffffffff): number {
  const value = parseBase0(text);
  if (value === undefined || value > max) throw invalidArgument(keyword, text, `expected a number 0..${max}`);
  return value;
}

export function parseBase0(text: string): number | undefined {
  // The common case first, without a regular expression: a plain decimal.
  if (text.length > 0 && text.length < 10 && text.charCodeAt(0) !== 48) {
    let value = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      value = value * 10 + c;
    }
    return value;
  }
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) value = parseInt(text, 8);
  else if (/^[1-9][0-9]*$/.test(text)) value = parseInt(text, 10);
  else return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A prefix in canonical text (`10.0.0.0/8`, `2001:db8::/32`), or `default`. */
export interface ParsedPrefix {
  family?: Family;
  /** `address/length`; undefined for default/all/any. */
  prefix?: string;
  address?: string;
  length: number;
  /** No `/length` was written: a host (or default). */
  host: boolean;
}

const DEFAULT_WORDS = new Set(['default', 'all', 'any']);

/**
 * get_prefix(): `default`/`all`/`any` (length 0, any family), an IPv4 address with
 * up to four parts, or an IPv6 address, each with an optional /length.
 */
export function prefix(keyword: string, text: string, family?: Family): ParsedPrefix {
  if (DEFAULT_WORDS.has(text)) return { family, length: 0, host: false };
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const parsed = addressOf(addressText);
  if (!parsed || (family !== undefined && parsed.family !== family)) throw notA('prefix', keyword, text, family);
  const hostLength = parsed.family === 6 ? 128 : 32;
  let length = hostLength;
  if (slash >= 0) {
    const lengthText = text.slice(slash + 1);
    const value = /^[0-9]+$/.test(lengthText) ? Number(lengthText) : undefined;
    if (value === undefined || value > hostLength) throw notA('prefix', keyword, text, family);
    length = value;
  }
  return { family: parsed.family, prefix: `${parsed.address}/${length}`, address: parsed.address, length, host: slash < 0 };
}

/** get_addr(): one address of either family (or the one asked for). */
export function address(keyword: string, text: string, family?: Family): { family: Family; address: string } {
  const parsed = addressOf(text);
  if (!parsed || (family !== undefined && parsed.family !== family)) throw notA('address', keyword, text, family);
  return parsed;
}

function addressOf(text: string): { family: Family; address: string } | undefined {
  if (text.includes(':')) {
    const v6 = ipv6(text);
    return v6 === undefined ? undefined : { family: 6, address: v6 };
  }
  const v4 = ipv4(text);
  return v4 === undefined ? undefined : { family: 4, address: v4 };
}

// One to four parts, each strtoul(…, 0) of 0..255; missing parts are zero. A
// character loop: batch files bring tens of thousands of these. (The library's own
// reader takes decimal parts only; octal and hex parts are iproute2's command-line
// reading, so they are the CLI's.)
function ipv4(text: string): string | undefined {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' ends the last part
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return ipv4Slowly(text); // 0-octal or 0x-hex
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++parts > 4) return undefined;
      value = 0;
      digits = 0;
    } else if (c === 120 || c === 88) {
      return ipv4Slowly(text);
    } else {
      return undefined;
    }
  }
  if (parts === 4) return text; // already written out in full
  return ipv4Slowly(text);
}

function ipv4Slowly(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const octets = [0, 0, 0, 0];
  for (let i = 0; i < parts.length; i++) {
    const value = parseBase0(parts[i]);
    if (value === undefined || value > 255) return undefined;
    octets[i] = value;
  }
  return octets.join('.');
}

// An IPv6 address as the library checks one (no zone: a route has no use for it).
function ipv6(text: string): string | undefined {
  return !text.includes('%') && ipNum().Validator.isValidIPv6String(text)[0] ? text : undefined;
}

function notA(what: 'prefix' | 'address', keyword: string, text: string, family?: Family): UsageError {
  const kind = family === 4 ? 'an inet' : family === 6 ? 'an inet6' : 'a valid';
  return new UsageError(`${kind} ${what} is expected rather than "${text}" (after "${keyword}")`);
}

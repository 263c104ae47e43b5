// The numbers Neutron's DVR derives from addresses (neutron/agent/l3/dvr_fip_ns.py,
// dvr_local_router.py, link_local_allocator.py), so that a node built by nlroute is
// the node an L3 agent would have built.
import { IPv4, IPv6 } from 'ip-num';

import { canonicalIpv6, parseAddress, parsePrefix } from '../address';
import { ValidationError } from '../errors';

/** The floating IPs' routing table in every qrouter namespace. */
export const FIP_TABLE = 16;
/** Floating-IP rule priorities: 40 000 of them, 32768..72767, per fip namespace. */
export const FIP_PRIORITY_START = 32768;
export const FIP_PRIORITY_END = 72768; // exclusive
/** The link-local pool the router/fip veth pairs take their /31 from. */
export const LINK_LOCAL_BASE = ipv4ToInt('169.254.64.0');
export const LINK_LOCAL_PAIRS = 8192; // a /18 in /31s

export function ipv4ToInt(address: string): number {
  return parseAddress('address', address)
    .address.split('.')
    .reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Pair `index` of the link-local pool: the even address goes on rfp- (qrouter), the odd on fpr- (fip). */
export function linkLocalPair(index: number): { rfp: string; fpr: string } {
  if (!Number.isInteger(index) || index < 0 || index >= LINK_LOCAL_PAIRS) {
    throw new ValidationError('linkLocalIndex', index, `must be 0..${LINK_LOCAL_PAIRS - 1}`);
  }
  const even = LINK_LOCAL_BASE + 2 * index;
  return { rfp: intToIpv4(even), fpr: intToIpv4(even + 1) };
}

/** A router's table and rule priority in the fip namespace: the integer of its fpr- address. */
export function routerTable(fprAddress: string): number {
  return ipv4ToInt(fprAddress);
}

/** The address-scope ("fast path exit") rule's priority in qrouter: `from <subnet> lookup 16 pref 80000`. */
export const FAST_PATH_PRIORITY = 80000;

/**
 * The SNAT-redirect table and priority in qrouter. IPv4: the integer of the qr- port's
 * IP (host bits kept). IPv6: Neutron's crc32 of the port's `address/length` text,
 * folded to 30 bits, and moved above 32767 so that it never lands among a
 * namespace's default rules.
 */
export function snatIndex(qrCidr: string): number {
  const prefix = parsePrefix('qrAddress', qrCidr);
  if (prefix.family === 4) return ipv4ToInt(prefix.address);
  const crc = crc32(Buffer.from(`${canonicalIpv6('qrAddress', prefix.address)}/${prefix.length}`, 'latin1'));
  const folded = ((crc >>> 30) ^ (crc & 0x3fffffff)) >>> 0;
  return folded < 32768 ? folded + 0x3fffffff : folded;
}

/** The network an IPv4 `address/length` is in, as a prefix: `10.0.0.1/24` gives `10.0.0.0/24`. */
export function ipv4Network(cidr: string): string {
  const prefix = parsePrefix('address', cidr);
  const mask = prefix.length === 0 ? 0 : (0xffffffff << (32 - prefix.length)) >>> 0;
  return `${intToIpv4((ipv4ToInt(prefix.address) & mask) >>> 0)}/${prefix.length}`;
}

/** Whether an address lies inside an `address/length` of its family (host bits of the prefix ignored). */
export function prefixContains(cidr: string, address: string): boolean {
  const prefix = parsePrefix('prefix', cidr);
  const parsed = parseAddress('address', address);
  if (parsed.family !== prefix.family) return false;
  const bits = prefix.family === 4 ? 32 : 128;
  const shift = BigInt(bits - prefix.length);
  return bigOf(prefix.family, prefix.address) >> shift === bigOf(parsed.family, parsed.address) >> shift;
}

function bigOf(family: 4 | 6, address: string): bigint {
  return family === 4 ? IPv4.fromString(address).value : IPv6.fromString(address).value;
}

/**
 * The IPv6 link-local address the kernel gives a device with this MAC (modified
 * EUI-64: the universal/local bit flipped, ff:fe in the middle). Neutron routes a
 * router's IPv6 default to the fpr- device's, derived the same way.
 */
export function linkLocalFromMac(mac: string): string {
  const bytes = mac.split(':').map((h) => Number.parseInt(h, 16));
  if (bytes.length !== 6 || bytes.some((b) => !(b >= 0 && b <= 255))) {
    throw new ValidationError('mac', mac, 'expected six colon-separated hex bytes');
  }
  const eui = [bytes[0] ^ 2, bytes[1], bytes[2], 0xff, 0xfe, bytes[3], bytes[4], bytes[5]];
  const groups = [0, 2, 4, 6].map((i) => ((eui[i] << 8) | eui[i + 1]).toString(16));
  return parseAddress('address', `fe80::${groups.join(':')}`).address;
}

// CRC-32 (IEEE 802.3, as zlib and Python's binascii compute it), for snatIndex().
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Neutron cuts every device name it makes to 14 characters (its DEV_NAME_LEN, one below IFNAMSIZ - 1). */
export const NEUTRON_DEVICE_NAME_LENGTH = 14;

/**
 * Device names as Neutron makes them: `(prefix + id)[:14]`, so `rfp-`/`fpr-` and the
 * router id's first 10 characters, `qr-`/`fg-` and the port id's first 11.
 */
export function deviceName(prefix: 'rfp-' | 'fpr-' | 'qr-' | 'fg-', id: string): string {
  return `${prefix}${id}`.slice(0, NEUTRON_DEVICE_NAME_LENGTH);
}

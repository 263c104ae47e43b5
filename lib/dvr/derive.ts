// The numbers Neutron's DVR derives from addresses (neutron/agent/l3/dvr_fip_ns.py,
// dvr_local_router.py, link_local_allocator.py), so that a node built by nlroute is
// the node an L3 agent would have built.
import { parseAddress, parsePrefix } from '../address';
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
  return parseAddress('address', address).address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
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

/** The SNAT-redirect table and priority in qrouter: the integer of the qr- port's IP (host bits kept). */
export function snatIndex(qrCidr: string): number {
  return ipv4ToInt(parsePrefix('qrAddress', qrCidr).address);
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

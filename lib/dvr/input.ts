// What DvrNode's callers hand it, read once and checked before anything is sent. A
// bulk call refuses a malformed list as a whole (ValidationError) and a malformed
// floating IP on its own (that floating IP's result), so that no floating IP is ever
// half written because its second half turned out to be bad.
import { canonicalIpv6, ipv4HostBitsSet, parseAddress, parsePrefix } from '../address';
import { ValidationError } from '../errors';
import { validNamespaceName } from '../namespace-target';
import { denseList } from '../plain';
import { deviceName, integer, plainOptions } from '../validate';
import { LINK_LOCAL_PAIRS } from './derive';
import type { ExternalNetwork, ExtraRoute, FloatingIp, InternalSubnet, Router } from './model';

/** DVR floating IPs are IPv4 (Neutron's floating-IP rules and /32 routes are). */
export function ipv4Address(field: string, value: unknown): string {
  const { family, address } = parseAddress(field, value);
  if (family !== 4) throw new ValidationError(field, value, 'a DVR floating or fixed IP is IPv4');
  return address;
}

/** One floating IP, checked whole, or the ValidationError that is its result. */
export function readFloatingIp(field: string, value: unknown): FloatingIp {
  const o = plainOptions(field, value, ['floatingIp', 'fixedIp', 'routerId']);
  if (value === undefined) throw new ValidationError(field, value, 'expected { floatingIp, fixedIp, routerId }');
  const floatingIp = ipv4Address(`${field}.floatingIp`, o.floatingIp);
  const fixedIp = ipv4Address(`${field}.fixedIp`, o.fixedIp);
  if (typeof o.routerId !== 'string' || o.routerId === '')
    throw new ValidationError(`${field}.routerId`, o.routerId, 'expected a router id');
  return { floatingIp, fixedIp, routerId: o.routerId };
}

/** The floating IP a result names, even for one that did not validate. */
export function floatingIpText(value: unknown): string {
  try {
    const text = value !== null && typeof value === 'object' ? (value as { floatingIp?: unknown }).floatingIp : undefined;
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

/** An external network of DvrNode.open(). */
export function readExternal(field: string, value: unknown): ExternalNetwork {
  const o = plainOptions(field, value, ['id', 'namespace', 'gatewayDevice', 'gateway', 'gateway6', 'subnets']);
  if (value === undefined) throw new ValidationError(field, value, 'expected { namespace, gatewayDevice, gateway }');
  const external: ExternalNetwork = {
    namespace: namespaceName(`${field}.namespace`, o.namespace),
    gatewayDevice: deviceName(`${field}.gatewayDevice`, o.gatewayDevice),
    gateway: ipv4Address(`${field}.gateway`, o.gateway),
  };
  if (o.id !== undefined) external.id = id(`${field}.id`, o.id);
  if (o.gateway6 !== undefined) external.gateway6 = addressOf(`${field}.gateway6`, o.gateway6, 6);
  if (o.subnets !== undefined) {
    external.subnets = denseList(`${field}.subnets`, o.subnets).map((c, i) => addressWithLength(`${field}.subnets[${i}]`, c).text);
  }
  return external;
}

/** A router of DvrNode.open() or resync(), read once. */
export function readRouter(field: string, value: unknown): Router {
  const o = plainOptions(field, value, ['id', 'namespace', 'linkLocalIndex', 'subnets', 'external', 'extraRoutes']);
  if (value === undefined) throw new ValidationError(field, value, 'expected { id, namespace, linkLocalIndex, subnets }');
  const subnets = denseList(`${field}.subnets`, o.subnets ?? []).map((s, i): InternalSubnet => {
    const f = `${field}.subnets[${i}]`;
    const p = plainOptions(f, s, ['device', 'address', 'snatAddress', 'addressScope']);
    const address = addressWithLength(`${f}.address`, p.address);
    const subnet: InternalSubnet = {
      device: deviceName(`${f}.device`, p.device),
      address: address.text,
      snatAddress: addressOf(`${f}.snatAddress`, p.snatAddress, address.family),
    };
    if (p.addressScope !== undefined && p.addressScope !== false) {
      // Neutron routes only IPv4 subnets by address scope; IPv6 ones always take the SNAT path.
      if (p.addressScope !== true || address.family !== 4)
        throw new ValidationError(`${f}.addressScope`, p.addressScope, "true for an IPv4 subnet in the external network's address scope");
      subnet.addressScope = true;
    }
    return subnet;
  });
  const router: Router = {
    id: id(`${field}.id`, o.id),
    namespace: namespaceName(`${field}.namespace`, o.namespace),
    linkLocalIndex: integer(`${field}.linkLocalIndex`, o.linkLocalIndex, 0, LINK_LOCAL_PAIRS - 1),
    subnets,
  };
  if (o.external !== undefined) router.external = id(`${field}.external`, o.external);
  if (o.extraRoutes !== undefined) {
    router.extraRoutes = denseList(`${field}.extraRoutes`, o.extraRoutes).map((r, i): ExtraRoute => {
      const f = `${field}.extraRoutes[${i}]`;
      const p = plainOptions(f, r, ['destination', 'nexthop']);
      const destination = parsePrefix(`${f}.destination`, p.destination);
      if (ipv4HostBitsSet(destination)) throw new ValidationError(`${f}.destination`, p.destination, 'has host bits set');
      return {
        destination: `${canonical(destination.family, destination.address)}/${destination.length}`,
        nexthop: addressOf(`${f}.nexthop`, p.nexthop, destination.family),
      };
    });
  }
  return router;
}

function id(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError(field, value, 'expected an id');
  return value;
}

function addressOf(field: string, value: unknown, family: 4 | 6): string {
  const parsed = parseAddress(field, value);
  if (parsed.family !== family) throw new ValidationError(field, value, `expected an IPv${family} address`);
  return canonical(family, parsed.address);
}

/**
 * Addresses in the kernel's text, so that what the node wants compares equal to what it
 * lists (`2001:db8:e0:0::/64` is `2001:db8:e0::/64`) and Neutron's IPv6 index hashes the
 * text Neutron hashes.
 */
function canonical(family: 4 | 6, address: string): string {
  return family === 6 ? canonicalIpv6('address', address) : address;
}

/** An interface address with its prefix length (`10.0.0.1/24`): host bits are the point. */
function addressWithLength(field: string, value: unknown): { text: string; family: 4 | 6 } {
  if (typeof value !== 'string' || !value.includes('/')) throw new ValidationError(field, value, 'expected ADDRESS/LENGTH');
  const prefix = parsePrefix(field, value);
  parseAddress(field, value.slice(0, value.indexOf('/')));
  return { text: `${canonical(prefix.family, prefix.address)}/${prefix.length}`, family: prefix.family };
}

function namespaceName(field: string, value: unknown): string {
  try {
    return validNamespaceName(value);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(field, value, error.reason);
    throw error;
  }
}

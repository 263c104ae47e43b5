// What DvrNode's callers hand it, read once and checked before anything is sent. A
// bulk call refuses a malformed list as a whole (ValidationError) and a malformed
// floating IP on its own (that floating IP's result), so that no floating IP is ever
// half written because its second half turned out to be bad.
import { parseAddress } from '../address';
import { ValidationError } from '../errors';
import { validNamespaceName } from '../namespace-target';
import { denseList } from '../plain';
import { deviceName, integer, plainOptions } from '../validate';
import { LINK_LOCAL_PAIRS } from './derive';
import type { ExternalNetwork, FloatingIp, InternalSubnet, Router } from './model';

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
  if (typeof o.routerId !== 'string' || o.routerId === '') throw new ValidationError(`${field}.routerId`, o.routerId, 'expected a router id');
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

/** The external network of DvrNode.open(). */
export function readExternal(field: string, value: unknown): ExternalNetwork {
  const o = plainOptions(field, value, ['namespace', 'gatewayDevice', 'gateway']);
  if (value === undefined) throw new ValidationError(field, value, 'expected { namespace, gatewayDevice, gateway }');
  return {
    namespace: namespaceName(`${field}.namespace`, o.namespace),
    gatewayDevice: deviceName(`${field}.gatewayDevice`, o.gatewayDevice),
    gateway: ipv4Address(`${field}.gateway`, o.gateway),
  };
}

/** A router of DvrNode.open() or resync(), read once. */
export function readRouter(field: string, value: unknown): Router {
  const o = plainOptions(field, value, ['id', 'namespace', 'linkLocalIndex', 'subnets']);
  if (value === undefined) throw new ValidationError(field, value, 'expected { id, namespace, linkLocalIndex, subnets }');
  if (typeof o.id !== 'string' || o.id === '') throw new ValidationError(`${field}.id`, o.id, 'expected a router id');
  const subnets = denseList(`${field}.subnets`, o.subnets ?? []).map((s, i): InternalSubnet => {
    const f = `${field}.subnets[${i}]`;
    const p = plainOptions(f, s, ['device', 'address', 'snatAddress']);
    if (typeof p.address !== 'string' || !p.address.includes('/')) throw new ValidationError(`${f}.address`, p.address, 'expected ADDRESS/LENGTH');
    ipv4Address(`${f}.address`, p.address.slice(0, p.address.indexOf('/')));
    return { device: deviceName(`${f}.device`, p.device), address: p.address, snatAddress: ipv4Address(`${f}.snatAddress`, p.snatAddress) };
  });
  return {
    id: o.id,
    namespace: namespaceName(`${field}.namespace`, o.namespace),
    linkLocalIndex: integer(`${field}.linkLocalIndex`, o.linkLocalIndex, 0, LINK_LOCAL_PAIRS - 1),
    subnets,
  };
}

function namespaceName(field: string, value: unknown): string {
  try {
    return validNamespaceName(value);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(field, value, error.reason);
    throw error;
  }
}

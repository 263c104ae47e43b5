// The objects of a DVR compute node, as Neutron's L3 agent sees them.
import type { NlrouteError } from '../errors';

/** An external network: its fip namespace, the fg- device there, and the upstream gateways. */
export interface ExternalNetwork {
  /** Names the network when a node has several; each router says which it uses. */
  id?: string;
  namespace: string;
  gatewayDevice: string;
  /** The IPv4 gateway: every router's table T defaults to it. */
  gateway: string;
  /** A dual-stack network's IPv6 gateway: every router's table T gets an IPv6 default to it too. */
  gateway6?: string;
  /**
   * The fg- port's addresses with their prefix lengths (`203.0.113.10/24`). A router
   * extra route whose nexthop lies inside one of them also goes into the router's
   * table T, as Neutron writes it.
   */
  subnets?: string[];
}

/** An internal subnet of a router: its qr- device and address, and the SNAT port's address. */
export interface InternalSubnet {
  device: string;
  /** The qr- port's address with its prefix length, IPv4 or IPv6, e.g. `10.0.0.1/24`. */
  address: string;
  /** Where traffic without a floating IP goes (the sg- port of the SNAT node), same family. */
  snatAddress: string;
  /**
   * IPv4 only: the subnet is in the external network's address scope, so it is routed
   * without NAT (the `pref 80000` rule and a route in the fip namespace) instead of
   * being redirected to SNAT.
   */
  addressScope?: boolean;
}

/** A router extra route, as Neutron's API has it; several with one destination are ECMP. */
export interface ExtraRoute {
  destination: string;
  nexthop: string;
}

export interface Router {
  id: string;
  /** The qrouter namespace, usually `qrouter-<id>`. */
  namespace: string;
  /** Which /31 of 169.254.64.0/18 joins this router to the fip namespace. */
  linkLocalIndex: number;
  subnets: InternalSubnet[];
  /** The id of the router's external network, when the node has several. */
  external?: string;
  /**
   * The router's extra routes. Given (even empty), the node writes them and owns the
   * router's extra routes; left out, it leaves whatever extra routes there are alone.
   */
  extraRoutes?: ExtraRoute[];
}

export interface FloatingIp {
  floatingIp: string;
  fixedIp: string;
  routerId: string;
}

/** One floating IP's result in a bulk operation. */
export type FipResult =
  /** `unchanged`: nothing had to change (a disassociate that found neither the rule nor the route). */
  { floatingIp: string; ok: true; priority?: number; unchanged?: true } | { floatingIp: string; ok: false; error: NlrouteError };

/** What a resync changed, per kind of object, summed over the node. */
export interface ResyncReport {
  added: number;
  removed: number;
  unchanged: number;
  failures: NlrouteError[];
}

// The objects of a DVR compute node, as Neutron's L3 agent sees them.
import type { NlrouteError } from '../errors';

/** The external network: its fip namespace, the fg- device there, and the upstream gateway. */
export interface ExternalNetwork {
  namespace: string;
  gatewayDevice: string;
  gateway: string;
}

/** An internal subnet of a router: its qr- device and address, and the SNAT port's address. */
export interface InternalSubnet {
  device: string;
  /** The qr- port's address with its prefix length, e.g. `10.0.0.1/24`. */
  address: string;
  /** Where traffic without a floating IP goes (the sg- port of the SNAT node). */
  snatAddress: string;
}

export interface Router {
  id: string;
  /** The qrouter namespace, usually `qrouter-<id>`. */
  namespace: string;
  /** Which /31 of 169.254.64.0/18 joins this router to the fip namespace. */
  linkLocalIndex: number;
  subnets: InternalSubnet[];
}

export interface FloatingIp {
  floatingIp: string;
  fixedIp: string;
  routerId: string;
}

/** One floating IP's result in a bulk operation. */
export type FipResult =
  /** `unchanged`: nothing had to change (a disassociate that found neither the rule nor the route). */
  | { floatingIp: string; ok: true; priority?: number; unchanged?: true }
  | { floatingIp: string; ok: false; error: NlrouteError };

/** What a resync changed, per kind of object, summed over the node. */
export interface ResyncReport {
  added: number;
  removed: number;
  unchanged: number;
  failures: NlrouteError[];
}

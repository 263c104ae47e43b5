// nlroute/dvr: a DVR compute node's floating IPs, as Neutron's L3 agent keeps them.
export { DvrNode, type DvrNodeOptions, type PriorityConflict } from './node';
export type { DvrGuard, GuardOptions, RepairEvent } from './guard';
export { PriorityAllocator, PriorityPoolExhaustedError, seededRandom } from './priority-allocator';
export {
  FIP_TABLE,
  FIP_PRIORITY_START,
  FIP_PRIORITY_END,
  FAST_PATH_PRIORITY,
  deviceName,
  linkLocalPair,
  linkLocalFromMac,
  routerTable,
  snatIndex,
  ipv4Network,
  ipv4ToInt,
  intToIpv4,
} from './derive';
export type { ExternalNetwork, ExtraRoute, InternalSubnet, Router, FloatingIp, FipResult, ResyncReport } from './model';

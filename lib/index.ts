// nlroute: `ip rule` and `ip route` over rtnetlink, without forking, in any namespace.
export { open, Handle } from './handle';
export type { OpenOptions, Link, HandleInfo, HandleStats } from './handle';
export type { NamespaceOptions } from './namespace-target';
export { NlrouteError, ValidationError, NetlinkError, HandleClosedError, FlushError, TimeoutError, AbortError } from './errors';
export type { NetlinkErrorDetails } from './errors';
export { ERRNO_NAMES, type ErrnoCode } from './errno-names';
export type { Rules } from './rules/rules-api';
export type { Routes } from './routes/routes-api';
export type { Rule, RuleSpec, RuleFilter, RuleAction, RangeInput } from './rules/types';
export type { Family } from './address';
export { NameRegistry } from './names/registry';
export type { NameTable } from './names/name-table';
export type {
  Route,
  RouteSpec,
  RouteFilter,
  RouteGetOptions,
  RouteType,
  RouteMetrics,
  MetricName,
  Nexthop,
  NexthopSpec,
} from './routes/types';
export type { Batch } from './batch/batch';
export type { BatchResult, CommitOptions, OnError, Operation, RouteVerb, RuleVerb } from './batch/types';
export type { RouteScope } from './routes/types';
export type { RuleScope } from './rules/types';
export type { ReconcileOptions, ReconcileResult } from './reconcile';
export type { CallOptions } from './abort';
export type { Watch } from './watch/watch';
export type { WatchOptions, WatchEvent, WatchChange, RuleEvent, RouteEvent, LinkEvent, ResyncEvent, WatchOrigin } from './watch/types';

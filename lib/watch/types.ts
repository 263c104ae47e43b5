// What handle.watch() takes and yields.
import type { Link } from '../links';
import type { Route, RouteFilter } from '../routes/types';
import type { Rule, RuleFilter } from '../rules/types';

export interface WatchOptions {
  /** Rules: `true` for every rule, or a filter as `rules.list()` takes. */
  rules?: boolean | RuleFilter;
  /**
   * Routes: `true` for every table (as `ip monitor route`), or a filter exactly as
   * `routes.list()` takes it (so `{}` is the main table, `{ table: 'all' }` every table).
   */
  routes?: boolean | RouteFilter;
  /** Devices: added, removed, renamed (or given another hardware address). */
  links?: boolean;
  /** Start with every object the watch selects, as `added` events (listed after subscribing). */
  initial?: boolean;
  /** Ends the watch: the iteration throws AbortError. */
  signal?: AbortSignal;
  /**
   * The notification socket's receive buffer. Default 32 MiB: a burst bigger than it
   * overflows, which the watch survives (a `resync`) but costs a full listing.
   */
  receiveBufferBytes?: number;
}

/** Who made a change: the netlink port id and sequence number of the request (0, 0: the kernel itself). */
export interface WatchOrigin {
  portId: number;
  seq: number;
}

/** One change of one kind of object, as a watch reports it. */
export interface WatchChange<K extends string, T> {
  type: 'added' | 'removed' | 'changed';
  kind: K;
  /** The object as `list()` returns it; for `removed`, what was removed. */
  object: T;
  /** For `changed`: the object as it was reported before. */
  previous?: T;
  /** The change came from a request of a handle this JavaScript environment has open in the same namespace. */
  own: boolean;
  /** Absent on differences found by a resync, which no one request caused. */
  origin?: WatchOrigin;
}

export type RuleEvent = WatchChange<'rule', Rule>;
export type RouteEvent = WatchChange<'route', Route>;
export type LinkEvent = WatchChange<'link', Link>;

/**
 * Notifications were lost (the socket's receive buffer overflowed): the watch lists
 * everything it watches again, and the events that follow are the differences
 * against what it had reported, so that applying every event still ends in the
 * kernel's state.
 */
export interface ResyncEvent {
  type: 'resync';
  reason: 'overflow';
}

export type WatchEvent = RuleEvent | RouteEvent | LinkEvent | ResyncEvent;

// handle.watch(): the kernel's change notifications for one namespace as an async
// iterable of events, with nothing lost. A second socket, made in the handle's own
// namespace, joins rtnetlink's multicast groups; its native thread waits for
// notifications, decodes and filters them, and hands them over in batches. Here they
// become events against what was reported before (see reported-state.ts), and when
// the kernel had to drop some (the socket's buffer overflowed) everything watched is
// listed again and the differences are reported.
import { closeSync } from 'node:fs';
import { constants as os } from 'node:os';

import type { HandleCore } from '../core';
import { AbortError, NetlinkError, NlrouteError, ValidationError } from '../errors';
import type { Link } from '../links';
import { addon, type AbortToken, type NativeHandle, type RouteFilterRecord, type RuleRecord, type WatchBatch } from '../native';
import { nameRouteDevices, packedDevices, unpackRoutes } from '../routes/unpack';
import type { Route, RouteFilter } from '../routes/types';
import { recordToRule } from '../rules/from-record';
import type { Rule, RuleFilter } from '../rules/types';
import { plainSpec } from '../plain';
import { integer, plainOptions } from '../validate';
import { isOwnPort } from './own-ports';
import { reportedLinks, reportedRoutes, reportedRules, type Difference, type Kind, type ReportedKind } from './reported-state';
import type { WatchEvent, WatchOptions, WatchOrigin } from './types';

const WATCH_KEYS = ['rules', 'routes', 'links', 'initial', 'signal', 'receiveBufferBytes'] as const;
const DEFAULT_RECEIVE_BUFFER = 32 * 1024 * 1024;

// ops::NotificationKind (native/ops/notifications.h)
const RULE_ADDED = 0;
const RULE_REMOVED = 1;
const ROUTE_ADDED = 2;
const ROUTE_REMOVED = 3;
const LINK_ADDED = 4;
const LINK_REMOVED = 5;
const ROUTES_MAY_HAVE_GONE = 6;

/** What a watch needs of the handle it was made from. */
export interface WatchSource {
  core: HandleCore;
  /** The namespace's key for own-change detection (see own-ports.ts). */
  namespace: string;
  ruleSelector(filter: RuleFilter): { family: number; record: RuleRecord | null };
  routeSelector(filter: RouteFilter): Promise<RouteFilterRecord>;
  listRules(filter: RuleFilter): Promise<Rule[]>;
  listRoutes(filter: RouteFilter): Promise<Route[]>;
}

/** The options, read once and checked. */
interface Plan {
  rules?: RuleFilter;
  routes?: RouteFilter;
  links: boolean;
  initial: boolean;
  signal?: AbortSignal;
  receiveBufferBytes: number;
}

export function readWatchOptions(given: unknown): Plan {
  const options = plainOptions('watch options', given, WATCH_KEYS) as WatchOptions;
  const none = options.rules === undefined && options.routes === undefined && options.links === undefined;
  const kind = <T>(field: string, value: boolean | T | undefined, all: T): T | undefined => {
    if (value === undefined) return none ? all : undefined;
    if (value === true) return all;
    if (value === false) return undefined;
    if (value === null || typeof value !== 'object') throw new ValidationError(field, value, 'expected true, false or a filter object');
    return plainSpec<T>(field, value); // read once: every listing of the watch uses this copy
  };
  const plan: Plan = {
    rules: kind<RuleFilter>('rules', options.rules, {}),
    routes: kind<RouteFilter>('routes', options.routes, { table: 'all' }),
    links: options.links === undefined ? none : flag('links', options.links),
    initial: options.initial === undefined ? false : flag('initial', options.initial),
    receiveBufferBytes:
      options.receiveBufferBytes === undefined
        ? DEFAULT_RECEIVE_BUFFER
        : integer('receiveBufferBytes', options.receiveBufferBytes, 4096, 0x3fffffff),
  };
  if (options.signal !== undefined) {
    if (!(options.signal instanceof AbortSignal)) throw new ValidationError('signal', options.signal, 'expected an AbortSignal');
    plan.signal = options.signal;
  }
  if (!plan.rules && !plan.routes && !plan.links)
    throw new ValidationError('watch options', given, 'watch nothing: name rules, routes or links');
  return plan;
}

function flag(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, value, 'expected true or false');
  return value;
}

export class Watch implements AsyncIterableIterator<WatchEvent> {
  /** Resolves once the watch is subscribed (and, with `initial`, has listed): changes after it are seen. */
  readonly ready: Promise<void>;
  private native?: NativeHandle;
  private readonly token: AbortToken = new addon.AbortToken();
  private readonly rules = reportedRules();
  private readonly routes = reportedRoutes();
  private readonly links = reportedLinks();
  private readonly queue: WatchEvent[] = [];
  private queued = 0; // index of the next event to hand out
  private closing?: Promise<void>;
  private failure?: Error;
  private chain: Promise<unknown> = Promise.resolve();
  private waiting = 0; // next() calls not answered yet
  private started = false; // `ready` has resolved
  private reading = false; // a native read is waiting for notifications
  private readStart = 0; // when it began (performance.now())
  private readonly onAbort = () => void this.close();
  /**
   * @internal Whether a wait for notifications keeps the process alive (it does, as a
   * listening socket does, so that a `for await` is not cut short); false for the watch
   * behind OpenOptions.followDevices.
   */
  keepsProcessAlive = true;

  /** @internal use handle.watch() */
  constructor(
    private readonly source: WatchSource,
    private readonly plan: Plan,
    private readonly forget: (watch: Watch) => void,
  ) {
    if (plan.signal?.aborted) this.failure = new AbortError('watch');
    plan.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.ready = this.start();
    // A watch that could not start lets go of what it made (its error is next()'s).
    this.ready.catch(() => void this.close());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next event; waits for the kernel when none is queued. Calls are answered in order. */
  next(): Promise<IteratorResult<WatchEvent>> {
    // The common case, an event already queued and nobody ahead in line, is answered
    // without joining the chain: most of a busy watch's events are taken this way.
    if (this.waiting === 0 && this.started && !this.closing && this.queued < this.queue.length) {
      return Promise.resolve({ value: this.queue[this.queued++], done: false });
    }
    this.waiting++;
    const answer = this.chain.then(() => this.nextEvent()).finally(() => this.waiting--);
    this.chain = answer.catch(() => {});
    return answer;
  }

  /** Ends the watch (as `break` in a `for await` does). */
  async return(): Promise<IteratorResult<WatchEvent>> {
    await this.close();
    return { value: undefined, done: true };
  }

  /** Unsubscribes and closes the watch's socket; events not yet taken are dropped. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.plan.signal?.removeEventListener('abort', this.onAbort);
    this.forget(this);
    this.token.abort(); // a wait for notifications ends within 50 ms
    await this.ready.catch(() => {});
    await this.native?.close();
  }

  private async start(): Promise<void> {
    if (this.failure) throw this.failure;
    const { core } = this.source;
    const rules = this.plan.rules && this.source.ruleSelector(this.plan.rules);
    const routes = this.plan.routes && (await this.source.routeSelector(this.plan.routes));
    const reply = await core.run('watch', async (turn) => turn.send(() => core.direct().namespaceFd()));
    if ('error' in reply) throw core.failure(reply.error, 'watch', 'namespace of the handle');
    let native: NativeHandle;
    try {
      native = new addon.NativeHandle({ fd: reply.fd, rcvbuf: this.plan.receiveBufferBytes });
    } finally {
      closeSync(reply.fd); // the native handle holds its own duplicate
    }
    this.native = native;
    if (this.closing) return;
    const opened = await native.open();
    if (opened.errno) throw new NetlinkError({ errno: opened.errno, operation: 'watch', syscall: opened.syscall });
    const subscribed = await native.subscribe({
      rules: rules ? (rules.record ?? {}) : undefined,
      routes: routes || undefined,
      links: this.plan.links,
    });
    if ('error' in subscribed) throw core.failure(subscribed.error, 'watch', 'subscribe');
    // Subscribed first, then listed: whatever changes from here on is either in the
    // listing or in a notification (or both, which reported-state tells apart).
    await this.relist(this.plan.initial ? 'report' : 'silently');
    this.started = true;
  }

  private async nextEvent(): Promise<IteratorResult<WatchEvent>> {
    try {
      await this.ready;
    } catch (error) {
      await this.close();
      throw error;
    }
    while (this.queued === this.queue.length) {
      this.queue.length = this.queued = 0;
      if (this.failure) throw this.failure;
      if (this.closing) return { value: undefined, done: true };
      await this.fill();
    }
    const value = this.queue[this.queued++];
    return { value, done: false };
  }

  /**
   * @internal For measurements: true when every notification read so far has been
   * handed out and the native read waiting now has had `ms` milliseconds to answer
   * with anything the kernel had queued by `since`: begun at `since` or later, or,
   * begun before, still waiting `ms` after it (a read wakes on the first notification
   * and answers within its 2 ms of gathering).
   */
  quietFor(ms: number, since: number): boolean {
    const from = Math.max(this.readStart, since);
    return this.reading && this.queued === this.queue.length && performance.now() - from >= ms;
  }

  /** Waits for one batch of notifications and turns it into events; a failure ends the watch. */
  private async fill(): Promise<void> {
    try {
      await this.read();
    } catch (error) {
      // A read that fails because the watch is being closed is just the end.
      if (!this.closing) this.failure ??= error instanceof Error ? error : new NlrouteError(String(error));
      await this.close();
    }
  }

  private async read(): Promise<void> {
    this.reading = true;
    this.readStart = performance.now();
    const reply = await this.native!.notifications(this.token, this.keepsProcessAlive);
    this.reading = false;
    if ('error' in reply) {
      if (reply.error.errno === os.errno.ECANCELED) {
        if (this.plan.signal?.aborted) this.failure = new AbortError('watch');
        await this.close();
        return;
      }
      this.failure = this.source.core.failure(reply.error, 'watch');
      await this.close();
      return;
    }
    const relist = await this.apply(reply);
    if (reply.overflow) {
      this.queue.push({ type: 'resync', reason: 'overflow' });
      await this.relist('report');
    } else if (relist) {
      await this.relist('report', ['route']);
    }
  }

  /** Applies a batch in order; true when routes must be listed again. */
  private async apply(batch: WatchBatch): Promise<boolean> {
    const { core, namespace } = this.source;
    // Each route is named with the devices known at its place in the batch (link
    // notifications update them as they come): a device the batch removes still has
    // its name for the routes that went before it. Devices the batch does not
    // announce are learned first.
    const announced = new Set(batch.links.map((link) => link.index));
    await core.links.learn([...packedDevices(batch.routes)].filter((index) => !announced.has(index)));
    const routes = unpackRoutes(batch.routes, (index) => index);
    const named = (route: Route) => {
      nameRouteDevices(route, (index) => core.links.nameOf(index) ?? index);
      return route;
    };
    let rule = 0;
    let route = 0;
    let link = 0;
    let relist = false;
    for (let i = 0; i < batch.kinds.length; i++) {
      const kind = batch.kinds[i];
      const portId = batch.meta[3 * i];
      const origin: WatchOrigin = { portId, seq: batch.meta[3 * i + 1] };
      const own = isOwnPort(namespace, portId);
      switch (kind) {
        case RULE_ADDED:
        case RULE_REMOVED: {
          const object = recordToRule(batch.rules[rule++]);
          const difference = kind === RULE_ADDED ? this.rules.present(object) : this.rules.absent(object).difference;
          this.report('rule', difference, own, origin);
          break;
        }
        case ROUTE_ADDED:
          this.report('route', this.routes.present(named(routes[route++])), own, origin);
          break;
        case ROUTE_REMOVED: {
          const { difference, exact } = this.routes.absent(named(routes[route++]));
          this.report('route', difference, own, origin);
          relist ||= !exact;
          break;
        }
        case LINK_ADDED:
        case LINK_REMOVED: {
          const object: Link = batch.links[link++];
          if (kind === LINK_ADDED) core.links.noteDevice(object.index, object.name);
          else core.links.forgetDevice(object.index);
          if (!this.plan.links) break; // followed for the route names only
          const difference = kind === LINK_ADDED ? this.links.present(object) : this.links.absent(object).difference;
          this.report('link', difference, own, origin);
          break;
        }
        case ROUTES_MAY_HAVE_GONE:
          relist = true;
          break;
      }
    }
    return relist;
  }

  private report<K extends Kind>(kind: K, difference: Difference<K> | undefined, own: boolean, origin?: WatchOrigin): void {
    if (!difference) return;
    const event = { type: difference.type, kind, object: difference.object, own, ...(origin && { origin }) } as WatchEvent;
    if (difference.previous !== undefined) (event as { previous?: unknown }).previous = difference.previous;
    this.queue.push(event);
  }

  /**
   * Lists what is watched (all kinds, or `only`) and makes it what was reported:
   * `report` queues the differences as events, `silently` only takes the listing in.
   */
  private async relist(mode: 'report' | 'silently', only?: Kind[]): Promise<void> {
    const wanted = (kind: Kind) => only === undefined || only.includes(kind);
    const [links, rules, routes] = await Promise.all([
      wanted('link') && this.plan.links ? this.listLinks() : undefined,
      wanted('rule') && this.plan.rules ? this.source.listRules(this.plan.rules) : undefined,
      wanted('route') && this.plan.routes ? this.source.listRoutes(this.plan.routes) : undefined,
    ]);
    const take = <K extends Kind>(kind: K, reported: ReportedKind<K>, listed: Parameters<ReportedKind<K>['resync']>[0] | undefined) => {
      if (!listed) return;
      const differences = reported.resync(listed);
      if (mode === 'report') for (const difference of differences) this.report(kind, difference, false);
    };
    // Devices first: the rules and routes that follow may name them.
    take('link', this.links, links);
    take('rule', this.rules, rules);
    take('route', this.routes, routes);
  }

  private async listLinks(): Promise<Link[]> {
    const { core } = this.source;
    const reply = await core.run('watch', (turn) => turn.send(() => core.direct().linkDump()));
    if ('error' in reply) throw core.failure(reply.error, 'link list');
    return reply.links;
  }
}

// DvrNode.watch(): a DVR node that heals itself. One watch per namespace the node
// writes (every qrouter namespace and each fip namespace); a change there that the
// node did not make (any process but this JavaScript environment's handles) to
// something the node could own, or lost notifications, marks the namespace for
// repair. Repairs are the resync's own reconciles limited to the marked namespaces,
// to the node's desired state: they touch only what the node owns (ownership.ts), and
// being the node's own writes they never mark anything again, so the node cannot
// fight itself.
import type { Handle } from '../handle';
import { NlrouteError } from '../errors';
import type { WatchEvent } from '../watch/types';
import type { Watch } from '../watch/watch';
import type { ResyncReport } from './model';
import { isAddressBookkeeping } from './ownership';

/** How long a first change waits for the rest of its burst before the repair starts. */
const COALESCE_MS = 5;

/**
 * Whether a change cannot be drift: a route of the kernel's bookkeeping of addresses
 * (see ownership.ts), e.g. the IPv6 link-local routes that come and change as a device
 * comes up and its duplicate address detection ends a second later. Repairing on them
 * would only repeat what is already there.
 */
function outsideEveryScope(event: WatchEvent): boolean {
  if (event.type === 'resync' || event.kind !== 'route') return false;
  return isAddressBookkeeping(event.object) && (event.previous === undefined || isAddressBookkeeping(event.previous));
}

/** What a guard did: one repair of the namespaces that drifted. */
export interface RepairEvent {
  type: 'repaired';
  /** The namespaces repaired (each saw a change the node did not make). */
  namespaces: string[];
  /** What the repair changed there (as resync reports it); failures included. */
  report: ResyncReport;
}

export interface GuardOptions {
  /** Each watch's receive buffer (handle.watch()'s receiveBufferBytes); default 32 MiB. */
  receiveBufferBytes?: number;
}

/** What the guard needs of its node. */
export interface GuardedNode {
  namespaces(): string[];
  handleOn(namespace: string): Promise<Handle>;
  repair(namespaces: Set<string>): Promise<ResyncReport>;
}

export class DvrGuard implements AsyncIterableIterator<RepairEvent> {
  /** Resolves once every namespace of the node is watched: drift after it is repaired. */
  readonly ready: Promise<void>;
  /** How many times a watch lost notifications (ENOBUFS) and its namespace was repaired whole. */
  overflows = 0;
  private readonly watches = new Map<string, Promise<Watch | undefined>>();
  private dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private repairing?: Promise<void>;
  private readonly done: RepairEvent[] = [];
  private waiters: Array<() => void> = [];
  private closing?: Promise<void>;
  private failure?: Error;
  private lastRepairEnd = 0; // performance.now() when the last repair that changed something ended
  private readonly receiveBufferBytes?: number;

  /** @internal use DvrNode.watch() */
  constructor(
    private readonly node: GuardedNode,
    private readonly forget: (guard: DvrGuard) => void,
    options: GuardOptions = {},
  ) {
    this.receiveBufferBytes = options.receiveBufferBytes;
    for (const namespace of this.node.namespaces()) this.follow(namespace);
    this.ready = Promise.all(this.watches.values()).then(() => undefined);
    this.ready.catch(() => {}); // surfaced by next() too
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next repair; waits for one. */
  async next(): Promise<IteratorResult<RepairEvent>> {
    await this.ready;
    for (;;) {
      const event = this.done.shift();
      if (event) return { value: event, done: false };
      if (this.failure) throw this.failure;
      if (this.closing) return { value: undefined, done: true };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async return(): Promise<IteratorResult<RepairEvent>> {
    await this.close();
    return { value: undefined, done: true };
  }

  /** Stops watching; a repair under way finishes first. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /**
   * @internal Starts watching a namespace (a router set up after the guard started). A
   * watch that cannot start ends the guard with its error.
   */
  follow(namespace: string): void {
    if (this.closing || this.watches.has(namespace)) return;
    const watch = this.startWatch(namespace);
    this.watches.set(namespace, watch);
    watch.catch((error: unknown) => this.fail(error));
  }

  /** @internal Stops watching a namespace (its router was torn down). */
  unfollow(namespace: string): void {
    const watch = this.watches.get(namespace);
    this.watches.delete(namespace);
    this.dirty.delete(namespace);
    // One that failed to start has already ended the guard (see follow()).
    void watch?.then(
      (w) => w?.close(),
      () => {},
    );
  }

  /**
   * @internal For measurements, after drift was made by a process that ended at `since`
   * (performance.now(); the kernel queued its notifications before that): resolves once
   * every watch has handed out all it was sent by then, and no repair is pending or
   * running; to the time the last repair that changed something ended.
   */
  async settled(since: number, quietMs = 50): Promise<number> {
    for (;;) {
      const watches = await Promise.all(this.watches.values());
      const idle = this.dirty.size === 0 && !this.timer && !this.repairing;
      if (this.failure) throw this.failure;
      if (idle && watches.every((w) => !w || w.quietFor(quietMs, since))) return this.lastRepairEnd;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private async startWatch(namespace: string): Promise<Watch | undefined> {
    const handle = await this.node.handleOn(namespace);
    const watch = handle.watch({ rules: true, routes: true, receiveBufferBytes: this.receiveBufferBytes });
    await watch.ready;
    void this.consume(namespace, watch);
    return watch;
  }

  private async consume(namespace: string, watch: Watch): Promise<void> {
    try {
      for await (const event of watch) {
        if (event.type === 'resync') this.overflows++;
        if (event.type === 'resync' || (!event.own && !outsideEveryScope(event))) this.mark(namespace);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private mark(namespace: string): void {
    if (this.closing || !this.watches.has(namespace)) return;
    this.dirty.add(namespace);
    if (!this.timer && !this.repairing) this.timer = setTimeout(() => this.repairNow(), COALESCE_MS);
  }

  private repairNow(): void {
    this.timer = undefined;
    const namespaces = this.dirty;
    this.dirty = new Set();
    if (namespaces.size === 0 || this.closing) return;
    this.repairing = this.node
      .repair(namespaces)
      .then((report) => {
        if (report.added + report.removed > 0) this.lastRepairEnd = performance.now();
        this.deliver({ type: 'repaired', namespaces: [...namespaces].sort(), report });
      })
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.repairing = undefined;
        // Changes that came during the repair get one of their own.
        if (this.dirty.size && !this.closing) this.timer = setTimeout(() => this.repairNow(), COALESCE_MS);
      });
  }

  private deliver(event: RepairEvent): void {
    this.done.push(event);
    this.wake();
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new NlrouteError(String(error));
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  private async shutDown(): Promise<void> {
    this.forget(this);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.repairing;
    const watches = await Promise.allSettled(this.watches.values());
    this.watches.clear();
    await Promise.all(watches.flatMap((w) => (w.status === 'fulfilled' && w.value ? [w.value.close()] : [])));
    this.wake();
  }
}

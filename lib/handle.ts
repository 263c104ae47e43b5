// A Handle is one netlink socket in one network namespace, like a vishvananda/netlink
// Handle: open it once, use it for many operations, close it when done.
import { constants as osConstants } from 'node:os';

import { Batch } from './batch/batch';
import { HandleCore } from './core';
import type { Link } from './links';
import { NetlinkError } from './errors';
import { addon, type NativeHandle, type OpenResult } from './native';
import { NameRegistry } from './names/registry';
import { NAMESPACE_KEYS, namespaceTarget, type NamespaceOptions, type NamespaceTarget } from './namespace-target';
import { Routes } from './routes/routes-api';
import { Rules } from './rules/rules-api';
import { ValidationError } from './errors';
import { deviceName, integer, plainOptions } from './validate';
import { namespaceKey, noteOwnPort } from './watch/own-ports';
import type { WatchOptions } from './watch/types';
import { readWatchOptions, Watch } from './watch/watch';

const OPEN_KEYS = [...NAMESPACE_KEYS, 'receiveBufferBytes', 'timeoutMs', 'followDevices'] as const;

export interface OpenOptions extends NamespaceOptions {
  /** Receive buffer to ask for (SO_RCVBUFFORCE when permitted). Default 4 MiB. */
  receiveBufferBytes?: number;
  /**
   * How long one call may wait for the kernel, in milliseconds (a dump, a batch, a
   * lookup: each call as a whole). Past it the call fails with TimeoutError and the
   * handle is closed. Default: no deadline per call, and no single wait longer than 60 s.
   */
  timeoutMs?: number;
  /**
   * Keep the handle's device names in step with the kernel's device events (a watch of
   * links, with its own socket and thread), so that a device renamed, or deleted and
   * made again, is named and resolved right without refreshDevices(). Default false:
   * names are re-read on a miss, and a route that fails on a re-created device is sent
   * once more.
   */
  followDevices?: boolean;
}

export type { Link } from './links';

export interface HandleInfo {
  /** What the handle was opened on: `netns qrouter-1`, `pid 42`, `current namespace`. */
  namespace: string;
  /** Identity of the namespace (device and inode of its nsfs file). */
  netnsDev: number;
  netnsInode: number;
  /** The socket's netlink port id (what the kernel's notifications of our own changes carry). */
  portId: number;
  /** The kernel features this socket got; older kernels may lack some. */
  extendedAck: boolean;
  cappedAck: boolean;
  strictCheck: boolean;
  receiveBufferBytes: number;
  sendBufferBytes: number;
}

export interface HandleStats {
  /** Datagrams from a sender other than the kernel, dropped since the handle opened. */
  foreignDropped: number;
}

export class Handle {
  /** Policy rules: `ip rule`. */
  readonly rules: Rules;
  /** Routes: `ip route`. */
  readonly routes: Routes;
  private readonly newBatch: () => Batch;
  private readonly watches = new Set<Watch>();
  private readonly forgetPort: () => void;

  private constructor(
    private readonly core: HandleCore,
    readonly info: HandleInfo,
  ) {
    this.forgetPort = noteOwnPort(namespaceKey(info.netnsDev, info.netnsInode), info.portId);
    // A batch reads back through the listings (rollback, lost ACKs); rules and routes
    // make batches (reconcile). Both get the one factory, and neither needs the other.
    const newBatch = () =>
      new Batch(core, {
        routes: (family, table) => this.routes.listed({ family, table }),
        rules: (family) => this.rules.listed({ family }),
      });
    this.newBatch = newBatch;
    this.rules = new Rules(core, newBatch);
    this.routes = new Routes(core, newBatch);
  }

  /** @internal use open() */
  static async create(given?: OpenOptions): Promise<Handle> {
    const options = plainOptions('open options', given, OPEN_KEYS);
    const target = namespaceTarget(options);
    const rcvbuf =
      options.receiveBufferBytes === undefined ? undefined : integer('receiveBufferBytes', options.receiveBufferBytes, 4096, 0x3fffffff);
    const timeoutMs = options.timeoutMs === undefined ? undefined : integer('timeoutMs', options.timeoutMs, 1, 0x7fffffff);
    if (options.followDevices !== undefined && typeof options.followDevices !== 'boolean')
      throw new ValidationError('followDevices', options.followDevices, 'expected true or false');
    const native = nativeHandleFor(target, rcvbuf, timeoutMs);
    const result: OpenResult = await native.open();
    if (result.errno) {
      await native.close();
      throw new NetlinkError({
        errno: result.errno,
        operation: 'open',
        request: target.description,
        syscall: result.syscall,
        hint: openHint(result),
      });
    }
    const core = new HandleCore(native, NameRegistry.forNamespace(target.name));
    const handle = new Handle(core, {
      namespace: target.description,
      netnsDev: result.netnsDev,
      netnsInode: result.netnsInode,
      portId: result.portId,
      extendedAck: result.extAck,
      cappedAck: result.capAck,
      strictCheck: result.strictCheck,
      receiveBufferBytes: result.rcvbuf,
      sendBufferBytes: result.sndbuf,
    });
    if (options.followDevices === true) await handle.followDevices();
    return handle;
  }

  /** Reads device events for the names alone (see OpenOptions.followDevices). */
  private async followDevices(): Promise<void> {
    const watch = this.watch({ links: true });
    watch.keepsProcessAlive = false; // like the handle itself, it never holds the process up
    try {
      await watch.ready;
    } catch (error) {
      await this.close();
      throw error;
    }
    // The watch updates the names as it reads; its events are not wanted here. It ends
    // with the handle (close() closes its watches).
    void (async () => {
      for await (const _event of watch) void _event;
    })().catch(() => {});
  }

  /**
   * A batch of rule and route operations, sent together by `commit()`: pipelined,
   * with one result per operation and a choice of what a failure does.
   */
  batch(): Batch {
    this.core.assertOpen('batch');
    return this.newBatch();
  }

  /**
   * The kernel's change notifications for this namespace, as an async iterable of
   * events: `for await (const event of handle.watch({ routes: { table: 16 } }))`.
   * Nothing is lost: when the kernel had to drop notifications the watch says so
   * (`resync`), lists everything it watches again and reports the differences.
   * Ends with `close()`, `break`, the options' signal, or this handle's close().
   */
  watch(options?: WatchOptions): Watch {
    this.core.assertOpen('watch');
    const plan = readWatchOptions(options);
    const { core, rules, routes } = this;
    const watch = new Watch(
      {
        core,
        namespace: namespaceKey(this.info.netnsDev, this.info.netnsInode),
        ruleSelector: (filter) => rules.selector(filter),
        routeSelector: (filter) => routes.selector(filter),
        listRules: (filter) => core.run('watch', (turn) => rules.listed(filter, turn)),
        listRoutes: (filter) => core.run('watch', (turn) => routes.listed(filter, turn)),
      },
      plan,
      (ended) => this.watches.delete(ended),
    );
    this.watches.add(watch);
    return watch;
  }

  /** The name databases (rt_tables, rt_protos, ...) this handle resolves names with. */
  get names(): NameRegistry {
    return this.core.names;
  }

  get closed(): boolean {
    return this.core.closed;
  }

  /** A device of this handle's namespace, by name or index; undefined when there is none. */
  async link(nameOrIndex: string | number): Promise<Link | undefined> {
    const operation = 'link get';
    return this.core.run(operation, async (turn) => {
      const key = typeof nameOrIndex === 'string' ? deviceName('name', nameOrIndex) : integer('index', nameOrIndex, 1, 0x7fffffff);
      const reply = await turn.send(() => this.core.direct().linkGet(key));
      if (reply === null) return undefined;
      if ('error' in reply) throw this.core.failure(reply.error, operation, String(nameOrIndex));
      return reply;
    });
  }

  /**
   * The handle's counters. `foreignDropped`: datagrams that reached its socket from
   * anyone but the kernel (another process in the namespace writing to its port id)
   * and were dropped unread; anything above 0 means someone tried to answer for the
   * kernel. Read after the calls made before it.
   */
  async stats(): Promise<HandleStats> {
    const operation = 'stats';
    return this.core.run(operation, async (turn) => {
      const reply = await turn.send(() => this.core.direct().stats());
      if ('error' in reply) throw this.core.failure(reply.error, operation, 'the handle');
      return { foreignDropped: reply.foreignDropped };
    });
  }

  /**
   * Forgets the cached device names and indexes. Routes resolve `dev` names through
   * a cache that refreshes itself on a miss; call this after renaming or re-creating
   * a device under a name the handle has already seen.
   */
  async refreshDevices(): Promise<void> {
    return this.core.run('link list', async () => {
      await this.core.links.refresh();
    });
  }

  /**
   * Closes the socket, and the watches made from this handle. Operations already
   * asked for finish first; new ones fail with HandleClosedError. Resolves once the
   * socket's fd is closed.
   */
  async close(): Promise<void> {
    if (this.core.closed) return;
    await Promise.all([...this.watches].map((watch) => watch.close()));
    this.core.closed = true;
    this.forgetPort();
    await this.core.settled();
    await this.core.native.close();
  }
}

/** What a failed open most likely needs, for its message. */
function openHint(result: OpenResult): string | undefined {
  if (result.errno === osConstants.errno.EPERM && result.syscall?.startsWith('setns')) {
    return 'entering another network namespace needs CAP_SYS_ADMIN (setns), and changing its rules and routes CAP_NET_ADMIN there: run as root';
  }
  return undefined;
}

/** The native handle; a netnsFd that is closed or not a network namespace is refused here. */
function nativeHandleFor(target: NamespaceTarget, rcvbuf: number | undefined, timeoutMs: number | undefined): NativeHandle {
  try {
    return new addon.NativeHandle({ path: target.path, fd: target.fd, rcvbuf, timeoutMs });
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    if (code === 'EBADF') throw new ValidationError('netnsFd', target.fd, 'is not an open file descriptor');
    if (code === 'ENOTNSFS') throw new ValidationError('netnsFd', target.fd, 'is not a namespace file (nsfs)');
    if (code === 'EWRONGNS') throw new ValidationError('netnsFd', target.fd, 'is a namespace file, but not of a network namespace');
    throw error;
  }
}

/**
 * Opens a handle: `open()` for the current namespace, `open({ netns: 'qrouter-1' })`
 * for a named one, or `{ netnsPath }`, `{ pid }`, `{ netnsFd }`. Nothing is forked;
 * the socket is created inside the namespace by a native thread that then returns.
 */
export function open(options?: OpenOptions): Promise<Handle> {
  return Handle.create(options);
}

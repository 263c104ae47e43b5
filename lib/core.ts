// What every part of a handle's API shares: the native handle, the name databases
// and device names of its namespace, the closed-state check, and turning native outcomes into errors.
import { HandleClosedError, NetlinkError } from './errors';
import type { Batch } from './batch/batch';
import { LinkNames } from './links';
import { ownValue } from './own';
import type { NativeHandle, NativeOutcome } from './native';
import { RequestQueue } from './requests/queue';
import { Sequencer, type Turn } from './sequencer';
import type { NameRegistry } from './names/registry';

export class HandleCore {
  closed = false;
  /** Device names of this namespace, cached (see links.ts). */
  readonly links = new LinkNames(this);
  /** Where every change is sent from: coalesces single calls, carries batches. */
  readonly requests: RequestQueue;
  /** Makes a batch on this handle (set by Handle, which owns the listings a batch reads). */
  newBatch!: () => Batch;

  constructor(
    readonly native: NativeHandle,
    readonly names: NameRegistry,
  ) {
    this.requests = new RequestQueue(native);
  }

  private running = 0;
  private whenIdle?: () => void;
  private readonly sequencer = new Sequencer();

  assertOpen(operation: string): void {
    if (this.closed) throw new HandleClosedError(operation);
  }

  /**
   * Runs one operation of the API. Checks the handle is open when it is asked for,
   * and counts it until it ends, so that close() lets every operation asked for
   * before it finish (some reach the kernel only after an await, e.g. for a device
   * name). `body` gets the operation's place in line (see sequencer.ts) and sends
   * its first request through `turn.send()`; the turn ends when the body does, at
   * the latest.
   */
  async run<T>(operation: string, body: (turn: Turn) => Promise<T>): Promise<T> {
    this.assertOpen(operation);
    const turn = this.sequencer.take();
    this.running++;
    try {
      return await body(turn);
    } finally {
      turn.finish();
      if (--this.running === 0) this.whenIdle?.();
    }
  }

  /**
   * The native handle, for a call that goes to it directly (a dump, a lookup): single
   * changes still waiting to be coalesced are sent first, so they stay ahead of it.
   */
  direct(): NativeHandle {
    this.requests.sendPending();
    return this.native;
  }

  /** Resolves once no operation is running. */
  async settled(): Promise<void> {
    while (this.running > 0) await new Promise<void>((resolve) => (this.whenIdle = resolve));
    this.whenIdle = undefined;
  }

  /**
   * null (success) -> undefined; a success carrying a kernel warning -> a process
   * warning and undefined; anything else -> the NetlinkError to throw.
   */
  toError(
    outcome: NativeOutcome | null,
    operation: string,
    request?: string,
    fieldOfAttribute: Record<string, string> = {},
  ): NetlinkError | undefined {
    if (outcome === null) return undefined;
    if (outcome.errno === 0) {
      if (outcome.extack) process.emitWarning(`${operation}: ${outcome.extack}`, { code: 'NLROUTE_KERNEL_WARNING' });
      return undefined;
    }
    const attribute = outcome.attribute === undefined ? undefined : String(outcome.attribute);
    return new NetlinkError({
      errno: outcome.errno,
      operation,
      request,
      extack: outcome.extack,
      attribute,
      field: ownValue(fieldOfAttribute, attribute),
      syscall: outcome.syscall,
      state: outcome.state,
    });
  }
}

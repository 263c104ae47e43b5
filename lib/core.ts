// What every part of a handle's API shares: the native handle, the name databases
// and device names of its namespace, the closed-state check, and turning native outcomes into errors.
import { constants as os } from 'node:os';

import { abortable } from './abort';
import { AbortError, asError, HandleClosedError, NetlinkError, TimeoutError } from './errors';
import { LinkNames } from './links';
import { ownValue } from './own';
import type { AbortToken, NativeHandle, NativeOutcome } from './native';
import { plainOptions } from './validate';
import { RequestQueue, SendFailed, type Answers, type Request } from './requests/queue';
import { Sequencer, Turn } from './sequencer';
import type { NameRegistry } from './names/registry';

export class HandleCore {
  closed = false;
  /** Device names of this namespace, cached (see links.ts). */
  readonly links = new LinkNames(async () => {
    const reply = await this.native.linkDump();
    if ('error' in reply) throw this.failure(reply.error, 'link list');
    return reply.links;
  });
  /** Where every change is sent from: coalesces single calls, carries batches. */
  readonly requests: RequestQueue;

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
      this.ended();
    }
  }

  /**
   * One rule or route change: what run() does, for the path every single call takes,
   * built from promise callbacks rather than nested async functions. With 10 000 calls
   * in flight (a Promise.all), whatever each keeps until its answer is copied by every
   * scavenge meanwhile, and that was most of their time: run(), its body and
   * turn.send() kept two suspended frames, six promises and two thenable jobs, about
   * 1.8 KB a call. A call that sends at once (nearly all) keeps one callback, its
   * context and the promise it makes: its place in line is a bare ticket, finished as
   * soon as it is sent, and its answer is picked from the one promise of every call
   * sent with it (see RequestQueue).
   *
   * `prepare` runs at once: it reads and validates the spec and returns the request, or
   * a promise of it when it must wait first (for a device name). `settle` gets any
   * answer but plain success, and throws its error (or warns); the call counts as
   * running until it has.
   */
  change(
    operation: string,
    prepare: () => Request | Promise<Request>,
    settle: (outcome: NativeOutcome) => void | Promise<void>,
  ): Promise<void> {
    if (this.closed) return Promise.reject(new HandleClosedError(operation));
    // The ticket is taken before prepare(): a getter on the spec may make another call,
    // which must still come after this one.
    const ticket = this.sequencer.issue();
    this.running++;
    let answers: Promise<Answers>;
    let index: number;
    try {
      const request = prepare();
      if (request instanceof Promise || !this.sequencer.isNext(ticket)) {
        return this.changeInTurn(new Turn(this.sequencer, ticket), request, settle);
      }
      answers = this.requests.answers;
      index = this.requests.add(request);
    } catch (error) {
      this.sequencer.finish(ticket);
      this.ended();
      return Promise.reject(asError(error));
    }
    this.sequencer.finish(ticket);
    return answers.then((answers) => {
      if (answers instanceof SendFailed) {
        this.ended();
        throw answers.error;
      }
      return this.answered(answers[index], settle);
    });
  }

  /** change() for a call that must wait for its turn or its request. */
  private changeInTurn(
    turn: Turn,
    request: Request | Promise<Request>,
    settle: (outcome: NativeOutcome) => void | Promise<void>,
  ): Promise<void> {
    const sent = async () => {
      const ready = await request;
      return turn.send(() => this.requests.one(ready));
    };
    return sent().then(
      (outcome) => this.answered(outcome, settle),
      (error) => {
        turn.finish(); // when the request itself failed, before its turn
        this.ended();
        throw error;
      },
    );
  }

  /** A change's answer: plain success ends the call at once; anything else goes to `settle`. */
  private answered(outcome: NativeOutcome | null, settle: (outcome: NativeOutcome) => void | Promise<void>): void | Promise<void> {
    return outcome === null ? this.ended() : this.settling(settle, outcome);
  }

  private async settling(settle: (outcome: NativeOutcome) => void | Promise<void>, outcome: NativeOutcome): Promise<void> {
    try {
      await settle(outcome);
    } finally {
      this.ended();
    }
  }

  /** A call that counted as running has ended. */
  private ended(): void {
    if (--this.running === 0) this.whenIdle?.();
  }

  /**
   * run() for a call that takes `{ signal }`: the body gets the native AbortToken, and
   * a native "cancelled" answer becomes an AbortError.
   */
  async runAbortable<T>(operation: string, options: unknown, body: (turn: Turn, token?: AbortToken) => Promise<T>): Promise<T> {
    const { signal } = plainOptions(`${operation} options`, options, ['signal']);
    return this.run(operation, async (turn) => {
      const abort = abortable(operation, signal);
      try {
        return await body(turn, abort.token);
      } catch (error) {
        if (abort.aborted && (error as NetlinkError)?.code === 'ECANCELED') throw new AbortError(operation);
        throw error;
      } finally {
        abort.dispose();
      }
    });
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
   * The error of a reply that failed as a whole (a dump's or a lookup's `error`): always
   * an error to throw, even if the native side's outcome claimed success (EPROTO then).
   */
  failure(outcome: NativeOutcome | null, operation: string, request?: string, fieldOfAttribute?: Record<string, string>): NetlinkError {
    return (
      this.toError(outcome, operation, request, fieldOfAttribute) ??
      new NetlinkError({ errno: os.errno.EPROTO, operation, request, hint: 'a failed reply carried no errno' })
    );
  }

  /**
   * null (success) -> undefined; a success carrying a kernel warning -> a process
   * warning and undefined; anything else -> the NetlinkError to throw. `described` may be
   * a function: describing a spec costs more than the kernel's work, so a single call
   * describes it only when it failed.
   */
  toError(
    outcome: NativeOutcome | null,
    operation: string,
    described?: string | (() => string),
    fieldOfAttribute: Record<string, string> = {},
  ): NetlinkError | undefined {
    if (outcome === null) return undefined;
    if (outcome.errno === 0) {
      if (outcome.extack) process.emitWarning(`${operation}: ${outcome.extack}`, { code: 'NLROUTE_KERNEL_WARNING' });
      return undefined;
    }
    const request = typeof described === 'function' ? described() : described;
    const attribute = outcome.attribute === undefined ? undefined : String(outcome.attribute);
    if (outcome.errno === os.errno.ETIMEDOUT) {
      // The native side closed the socket (see native_handle.cc): so is the handle.
      this.closed = true;
      return new TimeoutError({
        errno: outcome.errno,
        operation,
        request,
        syscall: outcome.syscall,
        state: outcome.state,
        hint: "the kernel did not answer within the handle's timeoutMs; the handle is closed",
      });
    }
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

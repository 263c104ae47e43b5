// handle.batch(): collect rule and route operations, then commit() them as one
// pipelined run with a definite result per operation, in the order given.
import type { HandleCore } from '../core';
import { abortable, type Abortable } from '../abort';
import { AbortError, NetlinkError, NlrouteError, ValidationError } from '../errors';
import type { NativeOutcome, RouteRecord, RuleRecord } from '../native';
import type { Request } from '../requests/queue';
import { DEVICE_GONE_CODES, deviceNamesOf, usesUnknownDevice } from '../routes/to-record';
import type { Route, RouteSpec } from '../routes/types';
import type { Rule, RuleSpec } from '../rules/types';
import { routeCovers } from '../routes/identity';
import { ruleCovers } from '../rules/identity';
import { KernelView } from './kernel-view';
import { describeOperation, requestOf, verbOf } from './verbs';
import { readPriors, undoOf, type Prior } from './rollback';
import type { BatchResult, CommitOptions, OnError, Operation, RouteVerb, RuleVerb } from './types';
import { plainSpec } from '../plain';
import type { Turn } from '../sequencer';
import { TimeSlice } from '../time-slice';
import { integer, plainOptions } from '../validate';

type Listers = {
  routes: (family: 4 | 6, table: number) => Promise<Route[]>;
  rules: (family: 4 | 6) => Promise<Rule[]>;
};

export class Batch {
  private readonly operations: Operation[] = [];
  private committed = false;

  /** Rule operations; each returns the batch, for chaining. */
  readonly rules: Record<RuleVerb, (spec: RuleSpec) => Batch>;
  /** Route operations; each returns the batch, for chaining. */
  readonly routes: Record<RouteVerb, (spec: RouteSpec) => Batch>;

  /** @internal use handle.batch() */
  constructor(
    private readonly core: HandleCore,
    private readonly list: Listers,
  ) {
    const rule = (verb: RuleVerb) => (spec: RuleSpec) => this.push({ object: 'rule', verb, ...readSpec<RuleSpec>('rule', spec) });
    const route = (verb: RouteVerb) => (spec: RouteSpec) => this.push({ object: 'route', verb, ...readSpec<RouteSpec>('route', spec) });
    this.rules = { add: rule('add'), delete: rule('delete'), ensure: rule('ensure'), remove: rule('remove') };
    this.routes = {
      add: route('add'),
      replace: route('replace'),
      change: route('change'),
      append: route('append'),
      prepend: route('prepend'),
      delete: route('delete'),
      ensure: route('ensure'),
      remove: route('remove'),
    };
  }

  get size(): number {
    return this.operations.length;
  }

  /**
   * Sends every operation and resolves to one result per operation, in order. It
   * never rejects for an operation's failure: that is in its result. A batch is
   * committed once.
   */
  async commit(given?: CommitOptions): Promise<BatchResult[]> {
    const options = readCommitOptions(given);
    if (this.committed) throw new NlrouteError('batch commit: this batch was committed already');
    const abort = abortable('batch commit', options.signal);
    this.committed = true;
    try {
      const results = await this.run(options, abort);
      if (abort.aborted) throw new AbortError('batch commit', results);
      return results;
    } finally {
      abort.dispose();
    }
  }

  private async run(options: ReadCommitOptions, abort: Abortable): Promise<BatchResult[]> {
    const onError = options.onError;
    return this.core.run('batch commit', async (turn) => {
      const ops = this.operations;
      const results = new Array<BatchResult | undefined>(ops.length);
      await this.learnDevices(ops);
      // Calls made after commit() wait until every list of it has been sent.
      const ready = turn.ready();
      if (ready) await ready;
      if (onError === 'continue') {
        await this.sendInChunks(ops, results, options, turn, abort);
        return finish(results, NOT_ATTEMPTED);
      }
      // stop and rollback: everything is validated before anything is sent.
      const requests = new Array<Request | undefined>(ops.length);
      const slice = new TimeSlice();
      for (let i = 0; i < ops.length; i++) {
        requests[i] = this.requestOrFailure(ops[i], i, results, onError === 'rollback');
        const pause = slice.pause();
        if (pause) await pause;
      }
      if (results.some((r) => r !== undefined)) return finish(results, NOT_ATTEMPTED);
      const priors = onError === 'rollback' ? await readPriors(ops, requests as Request[], this.view()) : [];
      const indices = ops.map((_, i) => i);
      const outcomes = await this.sendUntilFailure(requests as Request[], options, turn, abort);
      await this.settle(ops, indices, (k) => requests[k]!, outcomes, results);
      if (onError === 'rollback' && results.some((r) => r?.status === 'failed')) {
        await this.rollBack(ops, requests, priors, results);
      }
      return finish(results, NOT_ATTEMPTED);
    });
  }

  /**
   * `continue` mode: validates and sends a chunk at a time without waiting for the
   * kernel in between, so that validating the next chunk overlaps with the kernel
   * applying the previous one. The handle's I/O thread keeps the chunks in order.
   */
  private async sendInChunks(
    ops: Operation[],
    results: (BatchResult | undefined)[],
    options: ReadCommitOptions,
    turn: Turn,
    abort: Abortable,
  ) {
    const running: Promise<void>[] = [];
    const slice = new TimeSlice();
    let indices: number[] = [];
    let chunk: Request[] = [];
    const send = () => {
      const [sentIndices, sent] = [indices, chunk];
      [indices, chunk] = [[], []];
      const reply = this.core.requests.many(sent, { maxInFlight: options.unacknowledgedLimit }, abort.token);
      // Only the heads are kept until the answers come: the records are packed now and
      // become garbage young, which keeps the collector's pauses short in a big batch.
      // A lost ACK (rare) rebuilds its request from the operation.
      const heads = sent.map((r) => r.head);
      running.push(
        reply.then((outcomes) => this.settle(ops, sentIndices, (k) => ({ head: heads[k], record: undefined as never }), outcomes, results)),
      );
    };
    for (const i of cheapOrder(ops)) {
      if (abort.aborted) break; // what is not sent is not-attempted
      const op = ops[i];
      const request = this.requestOrFailure(op, i, results, false);
      if (!request) continue;
      indices.push(i);
      chunk.push(request);
      if (chunk.length === CHUNKS[Math.min(running.length, CHUNKS.length - 1)]) send();
      const pause = slice.pause();
      if (pause) await pause;
    }
    if (chunk.length && !abort.aborted) send();
    turn.finish();
    await Promise.all(running);
    await this.retryMovedDevices(ops, results, options, abort);
  }

  /**
   * `continue` mode: routes that failed as if a device they name were gone (ENODEV,
   * ENETUNREACH) are sent once more when that device now has another index (deleted
   * and made again under its name, e.g. a re-plugged DVR veth). They then go after
   * the rest of the batch.
   */
  private async retryMovedDevices(ops: Operation[], results: (BatchResult | undefined)[], options: ReadCommitOptions, abort: Abortable) {
    const gone: number[] = [];
    results.forEach((r, i) => {
      if (r && r.status === 'failed' && ops[i].object === 'route' && r.error instanceof NetlinkError && DEVICE_GONE_CODES.has(r.error.code))
        gone.push(i);
    });
    if (gone.length === 0 || abort.aborted) return;
    const names = [...new Set(gone.flatMap((i) => deviceNamesOf(ops[i].spec as RouteSpec)))];
    if (!(await this.core.links.moved(names))) return;
    const requests: Request[] = [];
    const indices: number[] = [];
    for (const i of gone) {
      try {
        requests.push(requestOf(ops[i], this.core));
        indices.push(i);
      } catch {
        // the device is gone for good: the first failure stands
      }
    }
    const outcomes = await this.core.requests.many(requests, { maxInFlight: options.unacknowledgedLimit }, abort.token);
    await this.settle(ops, indices, (k) => requests[k], outcomes, results);
  }

  /**
   * `stop` and `rollback` modes: one request per sendmsg, none after the first failure.
   * Sent in lists of CHUNKS' largest size, each packed and encoded on this thread, so
   * that no single list holds the loop; a list after one with a failure is not sent.
   */
  private async sendUntilFailure(
    requests: Request[],
    options: ReadCommitOptions,
    turn: Turn,
    abort: Abortable,
  ): Promise<(NativeOutcome | null)[]> {
    const size = CHUNKS[CHUNKS.length - 1];
    const outcomes: (NativeOutcome | null)[] = [];
    for (let start = 0; start < requests.length && !abort.aborted; start += size) {
      const part = requests.slice(start, start + size);
      const sent = this.core.requests.many(part, { stopAtFirstError: true, maxInFlight: options.unacknowledgedLimit }, abort.token);
      if (start + size >= requests.length) turn.finish();
      const got = await sent;
      for (const o of got) outcomes.push(o);
      const failed = got.some((o, k) => o !== null && (o.state !== 'done' || (o.errno !== 0 && o.errno !== part[k].head.tolerate)));
      if (failed) {
        break;
      }
    }
    while (outcomes.length < requests.length) outcomes.push(SKIPPED_OUTCOME);
    turn.finish();
    return outcomes;
  }

  /** Results for requests that were sent: indices[k] is the operation of requests[k]. */
  /** Makes sure the device names the route operations use are cached (one link dump at most), in slices. */
  private async learnDevices(ops: Operation[]): Promise<void> {
    const slice = new TimeSlice();
    const links = this.core.links;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op.object === 'route' && !op.unreadable && usesUnknownDevice(op.spec, links)) return links.refresh();
      const pause = slice.pause();
      if (pause) await pause;
    }
  }

  /** `requestAt(k)`: the request of indices[k] (its head at least; the record is rebuilt when missing). */
  private async settle(
    ops: Operation[],
    indices: number[],
    requestAt: (k: number) => Request,
    outcomes: (NativeOutcome | null)[],
    results: (BatchResult | undefined)[],
  ) {
    let view: KernelView | undefined; // read only if an ACK was lost
    for (const [k, i] of indices.entries()) {
      const outcome = outcomes[k];
      if (outcome?.state !== 'unknown') {
        results[i] = this.resultOf(ops[i], requestAt(k), outcome);
        continue;
      }
      const request = requestAt(k);
      const whole = request.record === undefined ? requestOf(ops[i], this.core) : request;
      results[i] = await this.readBack(ops[i], whole, outcome, (view ??= this.view()));
    }
  }

  private view(): KernelView {
    return new KernelView(this.core, this.list.routes, this.list.rules);
  }

  private push(op: Operation): Batch {
    if (this.committed) throw new NlrouteError('batch: cannot add to a committed batch');
    this.operations.push(op);
    return this;
  }

  /** The operation's request, or undefined with its ValidationError in `results`. */
  private requestOrFailure(op: Operation, i: number, results: (BatchResult | undefined)[], rollback: boolean): Request | undefined {
    if (op.unreadable) {
      results[i] = { ok: false, status: 'failed', error: op.unreadable };
      return undefined;
    }
    try {
      const request = requestOf(op, this.core);
      // Undoing a rule add deletes it by priority; one the kernel picked is unknown.
      if (rollback && op.object === 'rule' && !verbOf(op).remove && (request.record as RuleRecord).priority === undefined) {
        throw new ValidationError('priority', undefined, 'a rule added in a rollback batch needs an explicit priority');
      }
      return request;
    } catch (error) {
      if (!(error instanceof NlrouteError)) throw error;
      results[i] = { ok: false, status: 'failed', error };
      return undefined;
    }
  }

  private resultOf(op: Operation, request: Request, outcome: NativeOutcome | null): BatchResult {
    if (outcome === null) return DONE;
    if (outcome.state === 'skipped') return NOT_ATTEMPTED;
    if (outcome.state === 'done' && outcome.errno === request.head.tolerate) return UNCHANGED;
    const { operation, request: described, fields } = describeOperation(op);
    const error = this.core.toError(outcome, operation, described, fields);
    return error ? { ok: false, status: 'failed', error } : DONE;
  }

  /** The ACK was lost (receive-buffer overflow): read the kernel back to tell whether it was applied. */
  private async readBack(op: Operation, request: Request, outcome: NativeOutcome, view: KernelView): Promise<BatchResult> {
    const { operation, request: described, fields } = describeOperation(op);
    const error = this.core.toError(outcome, operation, described, fields)!;
    let present: boolean;
    try {
      present = await this.isPresent(request, view);
    } catch {
      // The kernel cannot be read either (the handle timed out): the result stays the
      // error, whose state says `unknown`.
      return { ok: false, status: 'failed', error };
    }
    if (present === !request.head.remove) return { ok: true, status: 'done', verified: true };
    return { ok: false, status: 'failed', error, verified: true };
  }

  private async isPresent(request: Request, view: KernelView): Promise<boolean> {
    if (request.head.object === 'route') {
      const record = request.record as RouteRecord;
      return (await view.routesAt(record)).some((r) => routeCovers(r.record, record));
    }
    const record = request.record as RuleRecord;
    return (await view.rules(record)).some((r) => ruleCovers(r.record, record));
  }

  /**
   * Undoes the applied operations, last first, and marks what happened to each. An
   * undo may take several requests (see rollback.ts); it succeeded when all did.
   */
  private async rollBack(ops: Operation[], requests: (Request | undefined)[], priors: Prior[], results: (BatchResult | undefined)[]) {
    const applied = results.flatMap((r, i) => (r?.status === 'done' ? [i] : [])).reverse();
    const undos = applied.map((i) => undoOf(ops[i], requests[i]!, priors[i]));
    const outcomes = await this.core.requests.many(undos.flat());
    let at = 0;
    for (const [k, i] of applied.entries()) {
      const { operation, request, fields } = describeOperation(ops[i]);
      let error;
      for (let n = 0; n < undos[k].length; n++, at++) {
        error ??= this.core.toError(outcomes[at], `undo of ${operation}`, request, fields);
      }
      results[i] = error ? { ok: false, status: 'rollback-failed', error } : { ok: false, status: 'rolled-back' };
    }
  }
}

// Operations per request list in `continue` mode: the first lists are small so that
// the kernel starts early, the later ones big enough to keep it busy while the next
// is validated.
// The largest is 1024: packing and encoding a list runs on the JavaScript thread in
// one piece, and 2048 operations took long enough to show as event-loop delay.
const CHUNKS = [64, 256, 1024];

// The results without details are shared: a 100k-operation batch needs no 100k objects for them.
const DONE: BatchResult = Object.freeze({ ok: true, status: 'done' });
const UNCHANGED: BatchResult = Object.freeze({ ok: true, status: 'unchanged' });
const NOT_ATTEMPTED: BatchResult = Object.freeze({ ok: false, status: 'not-attempted' });
const SKIPPED_OUTCOME: NativeOutcome = Object.freeze({ errno: 0, state: 'skipped' as const });

/**
 * The order to send a `continue` batch in. The kernel keeps rules in a list sorted
 * by priority and finds a rule to delete by walking it from the head, so deleting
 * from the low end is cheap and from the high end is not (1.2 against 25 µs per
 * delete at 10k rules). Consecutive rule deletes of distinct, explicit priorities
 * cannot affect each other, so each such run goes in ascending priority; everything
 * else keeps the order given. Results are still reported in the order given.
 */
function cheapOrder(ops: Operation[]): number[] {
  const order = ops.map((_, i) => i);
  const priorityOf = (op: Operation): number | undefined => {
    if (op.object !== 'rule' || (op.verb !== 'delete' && op.verb !== 'remove')) return undefined;
    const p = op.spec.priority ?? op.spec.pref;
    return typeof p === 'number' && Number.isInteger(p) ? p : undefined;
  };
  for (let start = 0; start < ops.length;) {
    if (priorityOf(ops[start]) === undefined) {
      start++; // the common case (routes, adds): nothing to reorder, and nothing to allocate
      continue;
    }
    let end = start;
    const seen = new Set<number>();
    while (end < ops.length) {
      const p = priorityOf(ops[end]);
      if (p === undefined || seen.has(p)) break;
      seen.add(p);
      end++;
    }
    if (end - start > 1) {
      const run = order.slice(start, end).sort((a, b) => priorityOf(ops[a])! - priorityOf(ops[b])!);
      for (let k = 0; k < run.length; k++) order[start + k] = run[k];
    }
    start = end > start ? end : start + 1;
  }
  return order;
}

/** The spec read once into plain data, or the reason it could not be: that operation's failure. */
function readSpec<S>(what: string, spec: unknown): { spec: S; unreadable?: NlrouteError } {
  try {
    return { spec: plainSpec<S>(what, spec) };
  } catch (error) {
    if (!(error instanceof NlrouteError)) throw error;
    return { spec: {} as S, unreadable: error };
  }
}

type ReadCommitOptions = { onError: OnError; unacknowledgedLimit?: number; signal?: unknown };

const ON_ERROR: readonly OnError[] = ['continue', 'stop', 'rollback'];

/** commit()'s options, read once; anything unknown or malformed is refused before anything is sent. */
function readCommitOptions(given: unknown): ReadCommitOptions {
  const o = plainOptions('commit options', given, ['onError', 'unacknowledgedLimit', 'signal']);
  const onError = o.onError ?? 'continue';
  if (typeof onError !== 'string' || !(ON_ERROR as readonly string[]).includes(onError)) {
    throw new ValidationError('onError', onError, 'must be continue, stop or rollback');
  }
  const limit = o.unacknowledgedLimit === undefined ? undefined : integer('unacknowledgedLimit', o.unacknowledgedLimit, 1, 1 << 20);
  return { onError: onError as OnError, unacknowledgedLimit: limit, signal: o.signal };
}

function finish(results: (BatchResult | undefined)[], fill: BatchResult): BatchResult[] {
  return Array.from(results, (r) => r ?? fill);
}

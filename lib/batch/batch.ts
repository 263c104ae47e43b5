// handle.batch(): collect rule and route operations, then commit() them as one
// pipelined run with a definite result per operation, in the order given.
import type { HandleCore } from '../core';
import { abortable, type Abortable } from '../abort';
import { AbortError, NetlinkError, NlrouteError, ValidationError } from '../errors';
import type { NativeOutcome, RouteRecord, RuleRecord } from '../native';
import { PackWriter, type Packed, type RequestHead } from '../requests/pack-writer';
import type { Request } from '../requests/queue';
import { DEVICE_GONE_CODES, deviceNamesOf } from '../routes/to-record';
import type { Route, RouteSpec } from '../routes/types';
import type { Rule, RuleSpec } from '../rules/types';
import { routeCovers } from '../routes/identity';
import { ruleCovers } from '../rules/identity';
import { KernelView } from './kernel-view';
import { OperationTape } from './operation-tape';
import { describeOperation, requestOf, verbOf } from './verbs';
import { readPriors, undoOf, type Prior } from './rollback';
import type { BatchResult, CommitOptions, OnError, Operation, RouteVerb, RuleVerb } from './types';
import type { Turn } from '../sequencer';
import { TimeSlice } from '../time-slice';
import { integer, plainOptions } from '../validate';

type Listers = {
  routes: (family: 4 | 6, table: number) => Promise<Route[]>;
  rules: (family: 4 | 6) => Promise<Rule[]>;
};

export class Batch {
  private readonly operations = new OperationTape();
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
    const rule = (verb: RuleVerb) => (spec: RuleSpec) => this.push(() => this.operations.push('rule', verb, spec));
    const route = (verb: RouteVerb) => (spec: RouteSpec) => this.push(() => this.operations.push('route', verb, spec));
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
    return this.operations.size;
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
      const slice = new TimeSlice();
      // One array of 100k takes milliseconds to allocate here: it gets a slice of its own.
      const results = new Array<BatchResult | undefined>(ops.size);
      const pause = slice.pauseIfSpent();
      if (pause) await pause;
      await this.learnDevices();
      // Calls made after commit() wait until every list of it has been sent.
      const ready = turn.ready();
      if (ready) await ready;
      if (onError === 'continue') {
        await this.sendInChunks(results, options, turn, abort, slice);
        return finish(results, slice);
      }
      // stop and rollback: everything is validated before anything is sent.
      const rollback = onError === 'rollback';
      const lists = await this.packAll(results, rollback, slice);
      if (!lists) return finish(results, slice);
      const priors = rollback ? await readPriors(ops, this.requestsOf(lists), this.view()) : [];
      await this.sendUntilFailure(lists, results, options, turn, abort);
      if (rollback && results.some((r) => r?.status === 'failed')) {
        await this.rollBack(this.requestsOf(lists), priors, results);
      }
      return finish(results, slice);
    });
  }

  /**
   * `continue` mode: validates and sends a chunk at a time without waiting for the
   * kernel in between, so that validating the next chunk overlaps with the kernel
   * applying the previous one. The handle's I/O thread keeps the chunks in order.
   */
  private async sendInChunks(
    results: (BatchResult | undefined)[],
    options: ReadCommitOptions,
    turn: Turn,
    abort: Abortable,
    slice: TimeSlice,
  ) {
    const ops = this.operations;
    // The device cache's generation before any request is built: a route that fails as
    // if its device were gone is sent again only if the device got another index since.
    const builtAt = this.core.links.generation();
    const running: Promise<void>[] = [];
    // Each request is packed as soon as it is validated, inside the time slices: only
    // the heads are kept until the answers come, and the records become garbage young,
    // which keeps the collector's pauses short in a big batch. A lost ACK (rare)
    // rebuilds its request from the operation.
    let indices: number[] = [];
    let heads: RequestHead[] = [];
    const writer = new PackWriter(); // its words are read before packed() returns: one serves every list
    let oldest = 0; // running[oldest] is the first list not yet awaited here
    const send = () => {
      const [sentIndices, sentHeads] = [indices, heads];
      [indices, heads] = [[], []];
      const reply = this.core.requests.packed(writer.finish(), { maxInFlight: options.unacknowledgedLimit }, abort.token);
      writer.reset();
      const settled = reply.then((outcomes) => this.settle(sentIndices, sentHeads, undefined, outcomes, results));
      // Marked handled at once: should the addon refuse a list, its rejection must not go
      // unhandled while the loop goes on (the process would die); awaiting it still throws.
      settled.catch(() => {});
      running.push(settled);
    };
    for (let start = 0; start < ops.size && !abort.aborted;) {
      const end = deleteRunEnd(ops, start);
      const order = end - start > 1 ? byPriority(ops, start, end) : undefined;
      for (let k = start; k < end && !abort.aborted; k++) {
        const i = order ? order[k - start] : k; // what is not sent when aborted is not-attempted
        const request = this.requestOrFailure(ops.at(i), i, results, false);
        if (request) {
          writer.add(request.head, request.record);
          indices.push(i);
          heads.push(request.head);
          if (heads.length === CHUNKS[Math.min(running.length, CHUNKS.length - 1)]) send();
          // Validating is faster than the kernel applies: without a bound, every list's
          // bookkeeping would wait here at once, for the collector to copy again and again.
          while (running.length - oldest > MOST_LISTS_IN_FLIGHT) await running[oldest++];
        }
        const pause = slice.pause();
        if (pause) await pause;
      }
      start = end;
    }
    if (heads.length && !abort.aborted) send();
    turn.finish();
    await Promise.all(running);
    await this.retryMovedDevices(results, options, abort, builtAt);
  }

  /**
   * `continue` mode: routes that failed as if a device they name were gone (ENODEV,
   * ENETUNREACH) are sent once more when that device now has another index (deleted
   * and made again under its name, e.g. a re-plugged DVR veth). They then go after
   * the rest of the batch.
   */
  private async retryMovedDevices(results: (BatchResult | undefined)[], options: ReadCommitOptions, abort: Abortable, builtAt: number) {
    const ops = this.operations;
    const gone: number[] = [];
    results.forEach((r, i) => {
      if (
        r &&
        r.status === 'failed' &&
        r.error instanceof NetlinkError &&
        DEVICE_GONE_CODES.has(r.error.code) &&
        ops.at(i).object === 'route'
      )
        gone.push(i);
    });
    if (gone.length === 0 || abort.aborted) return;
    const names = [...new Set(gone.flatMap((i) => deviceNamesOf(ops.at(i).spec as RouteSpec)))];
    if (!(await this.core.links.moved(names, builtAt))) return;
    const requests: Request[] = [];
    const indices: number[] = [];
    for (const i of gone) {
      try {
        requests.push(requestOf(ops.at(i), this.core));
        indices.push(i);
      } catch {
        // the device is gone for good: the first failure stands
      }
    }
    const outcomes = await this.core.requests.many(requests, { maxInFlight: options.unacknowledgedLimit }, abort.token);
    await this.settle(
      indices,
      requests.map((r) => r.head),
      requests,
      outcomes,
      results,
    );
  }

  /**
   * `stop` and `rollback` modes: every operation validated, in slices, and packed a
   * list at a time (CHUNKS' largest size), so that what waits to be sent is words,
   * not 100k records. Undefined, with each failure in `results`, when any is invalid.
   * Rollback also keeps the requests: undoing needs their records.
   */
  private async packAll(results: (BatchResult | undefined)[], keepRequests: boolean, slice: TimeSlice): Promise<PackedList[] | undefined> {
    const ops = this.operations;
    const size = CHUNKS[CHUNKS.length - 1];
    const lists: PackedList[] = [];
    let failed = false;
    for (let start = 0; start < ops.size; start += size) {
      const writer = new PackWriter();
      const list: PackedList = { start, heads: [], packed: undefined as unknown as Packed, requests: keepRequests ? [] : undefined };
      for (let i = start; i < Math.min(start + size, ops.size); i++) {
        const request = this.requestOrFailure(ops.at(i), i, results, keepRequests);
        if (!request) failed = true;
        else if (!failed) {
          writer.add(request.head, request.record);
          list.heads.push(request.head);
          list.requests?.push(request);
        }
        const pause = slice.pause();
        if (pause) await pause;
      }
      list.packed = writer.finish();
      lists.push(list);
    }
    return failed ? undefined : lists;
  }

  private requestsOf(lists: PackedList[]): Request[] {
    return lists.flatMap((list) => list.requests!);
  }

  /** `stop` and `rollback` modes: one request per sendmsg, no list after one with a failure. */
  private async sendUntilFailure(
    lists: PackedList[],
    results: (BatchResult | undefined)[],
    options: ReadCommitOptions,
    turn: Turn,
    abort: Abortable,
  ) {
    for (const [n, list] of lists.entries()) {
      if (abort.aborted) break;
      const sent = this.core.requests.packed(
        list.packed,
        { stopAtFirstError: true, maxInFlight: options.unacknowledgedLimit },
        abort.token,
      );
      if (n === lists.length - 1) turn.finish();
      const outcomes = await sent;
      const indices = list.heads.map((_, k) => list.start + k);
      await this.settle(indices, list.heads, list.requests, outcomes, results);
      const failed = outcomes.some((o, k) => o !== null && (o.state !== 'done' || (o.errno !== 0 && o.errno !== list.heads[k].tolerate)));
      if (failed) break;
    }
    turn.finish();
  }

  /** Makes sure the device names the route operations use are cached (one link dump at most). */
  private async learnDevices(): Promise<void> {
    const links = this.core.links;
    for (const name of this.operations.deviceNames) {
      if (name !== '' && links.cachedIndex(name) === undefined) return links.refresh();
    }
  }

  /**
   * Results for requests that were sent: indices[k] is the operation of heads[k]
   * (and of requests[k], when the records were kept; else a lost ACK rebuilds its
   * request from the operation).
   */
  private async settle(
    indices: number[],
    heads: RequestHead[],
    requests: Request[] | undefined,
    outcomes: (NativeOutcome | null)[],
    results: (BatchResult | undefined)[],
  ) {
    let view: KernelView | undefined; // read only if an ACK was lost
    // An index loop: entries() would make a pair per operation of a 100k batch.
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      const outcome = outcomes[k];
      if (outcome?.state !== 'unknown') {
        results[i] = this.resultOf(i, heads[k], outcome);
        continue;
      }
      const op = this.operations.at(i);
      results[i] = await this.readBack(op, requests?.[k] ?? requestOf(op, this.core), outcome, (view ??= this.view()));
    }
  }

  private view(): KernelView {
    return new KernelView(this.core, this.list.routes, this.list.rules);
  }

  private push(add: () => void): Batch {
    if (this.committed) throw new NlrouteError('batch: cannot add to a committed batch');
    add();
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

  /** Operation i's result; the operation is read back only to describe a failure. */
  private resultOf(i: number, head: RequestHead, outcome: NativeOutcome | null): BatchResult {
    if (outcome === null) return DONE;
    if (outcome.state === 'skipped') return NOT_ATTEMPTED;
    if (outcome.state === 'done' && outcome.errno === head.tolerate) return UNCHANGED;
    const { operation, request: described, fields } = describeOperation(this.operations.at(i));
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
  private async rollBack(requests: Request[], priors: Prior[], results: (BatchResult | undefined)[]) {
    const applied = results.flatMap((r, i) => (r?.status === 'done' ? [i] : [])).reverse();
    const undos = applied.map((i) => undoOf(this.operations.at(i), requests[i], priors[i]));
    const outcomes = await this.core.requests.many(undos.flat());
    let at = 0;
    for (const [k, i] of applied.entries()) {
      const { operation, request, fields } = describeOperation(this.operations.at(i));
      let error;
      for (let n = 0; n < undos[k].length; n++, at++) {
        error ??= this.core.toError(outcomes[at], `undo of ${operation}`, request, fields);
      }
      results[i] = error ? { ok: false, status: 'rollback-failed', error } : { ok: false, status: 'rolled-back' };
    }
  }
}

/** One list of a `stop` or `rollback` batch: operations start.. in order, packed. */
interface PackedList {
  start: number;
  heads: RequestHead[];
  packed: Packed;
  requests?: Request[];
}

// Operations per request list in `continue` mode: the first lists are small so that
// the kernel starts early, the later ones big enough to keep it busy while the next
// is validated.
// The largest is 512 because a list's answers are settled in one piece, and the
// stop/rollback modes pack (in slices) a list of that size at a time.
const CHUNKS = [64, 256, 512];
// Lists of a `continue` batch sent and not yet answered, at most: enough that the
// kernel never waits for the next (each is ~1.5 ms of its work), few enough that
// their bookkeeping stays young garbage.
const MOST_LISTS_IN_FLIGHT = 8;

// The results without details are shared: a 100k-operation batch needs no 100k objects for them.
const DONE: BatchResult = Object.freeze({ ok: true, status: 'done' });
const UNCHANGED: BatchResult = Object.freeze({ ok: true, status: 'unchanged' });
const NOT_ATTEMPTED: BatchResult = Object.freeze({ ok: false, status: 'not-attempted' });

/**
 * The order to send a `continue` batch in. The kernel keeps rules in a list sorted
 * by priority and finds a rule to delete by walking it from the head, so deleting
 * from the low end is cheap and from the high end is not (1.2 against 25 µs per
 * delete at 10k rules). Consecutive rule deletes of distinct, explicit priorities
 * cannot affect each other, so each such run goes in ascending priority; everything
 * else keeps the order given. Results are still reported in the order given.
 *
 * deleteRunEnd() says where the run that starts at `start` ends (start + 1 for
 * anything else, the common case, which allocates nothing); a run is at most
 * MAX_RUN long so that sorting one never holds the event loop.
 */
function deleteRunEnd(ops: OperationTape, start: number): number {
  if (ops.deletePriority(start) === undefined) return start + 1;
  const seen = new Set<number>();
  let end = start;
  while (end < ops.size && end - start < MAX_RUN) {
    const p = ops.deletePriority(end);
    if (p === undefined || seen.has(p)) break;
    seen.add(p);
    end++;
  }
  return end;
}

/** The indices start..end-1 in ascending priority; deleteRunEnd() made them distinct. */
function byPriority(ops: OperationTape, start: number, end: number): number[] {
  // priority * 2^16 + offset is exact in a double (2^48 at most), and a typed array
  // sorts numbers natively, without a comparator call per pair.
  const keys = new Float64Array(end - start);
  for (let k = start; k < end; k++) keys[k - start] = ops.deletePriority(k)! * MAX_RUN + (k - start);
  keys.sort();
  return Array.from(keys, (key) => start + (key % MAX_RUN));
}

const MAX_RUN = 1 << 16;

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

/**
 * The results, with `not-attempted` for every operation that has none, in place and
 * in slices: a 100k-operation batch's results are not filled in one piece.
 */
async function finish(results: (BatchResult | undefined)[], slice: TimeSlice): Promise<BatchResult[]> {
  for (let i = 0; i < results.length; i++) {
    results[i] ??= NOT_ATTEMPTED;
    const pause = slice.pause();
    if (pause) await pause;
  }
  return results as BatchResult[];
}

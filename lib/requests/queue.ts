// Every rule and route change of a handle goes through its RequestQueue. Single
// calls made in the same turn of the event loop (a Promise.all over 10k adds) are
// packed into one native request list and written together, pipelined; an awaited
// call alone goes out at once. Explicit batches bring their own list.
import { asError } from '../errors';
import type { AbortToken, NativeHandle, NativeOutcome, RequestOptions, RequestsReply, RouteRecord, RuleRecord } from '../native';
import { PackWriter, type Packed, type RequestHead } from './pack-writer';

export interface Request {
  head: RequestHead;
  record: RuleRecord | RouteRecord;
}

const STATES = ['done', 'unknown', 'not-sent', 'skipped'] as const;
const BURST = 2048;

type Outcomes = (NativeOutcome | null)[];

/** The whole send of a group failed (the handle closed under it, ...): every call of it fails so. */
export class SendFailed {
  constructor(readonly error: unknown) {}
}

/** What a group's calls get: one outcome each (null is plain success), or the failure of them all. */
export type Answers = Outcomes | SendFailed;

/**
 * The single calls of one turn, sent together: one promise answers them all, and each
 * call picks its outcome by index. A call in flight keeps only its index and one
 * callback, rather than a promise with two resolving functions of its own and a
 * callback for failure (with 10 000 calls in flight, what each keeps is copied by
 * every scavenge meanwhile). So the promise never rejects: a failed send is an answer.
 */
class Group {
  count = 0;
  readonly answers: Promise<Answers>;
  resolve!: (answers: Answers) => void;

  constructor() {
    this.answers = new Promise<Answers>((resolve) => (this.resolve = resolve));
  }
}

export class RequestQueue {
  // One writer, reused: native `requests()` has read the words when it returns.
  private readonly writer = new PackWriter();
  private group: Group | undefined; // the calls of this turn not sent yet
  private scheduled = false;

  constructor(private readonly native: NativeHandle) {}

  /**
   * The answers of the calls being coalesced now. Read it before add(): add() may send
   * the group and start another.
   */
  get answers(): Promise<Answers> {
    return (this.group ??= new Group()).answers;
  }

  /**
   * Adds one request to those of this turn; returns its index in `answers` (null there
   * is plain success). Throws when it cannot be packed, having added nothing.
   */
  add(request: Request): number {
    const group = (this.group ??= new Group());
    this.writer.add(request.head, request.record);
    const index = group.count++;
    // A long burst goes out in pieces, so the kernel starts on the first while the
    // rest are still being prepared.
    if (group.count === BURST) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
    return index;
  }

  /** One request, coalesced with the others made in the same turn; null is plain success. */
  one(request: Request): Promise<NativeOutcome | null> {
    try {
      const answers = this.answers;
      const index = this.add(request);
      return answers.then((answers) => {
        if (answers instanceof SendFailed) throw answers.error;
        return answers[index];
      });
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /** Many requests as one list, after anything queued before; one outcome each, in order. */
  many(requests: Request[], options: RequestOptions = {}, token?: AbortToken): Promise<(NativeOutcome | null)[]> {
    if (this.group?.count) this.flush(); // keeps the order the calls were made in (and frees the writer)
    const writer = this.writer;
    try {
      for (const r of requests) writer.add(r.head, r.record);
      // Not an async function on purpose: a suspended one keeps its arguments, and the
      // records of a list in flight would then live (and be copied by the collector)
      // until its answers come. Packed, they are garbage at once.
      return this.packed(writer.finish(), options, token);
    } catch (error) {
      return Promise.reject(asError(error));
    } finally {
      writer.reset();
    }
  }

  /** A list packed beforehand (by a PackWriter), after anything queued before; one outcome each, in order. */
  packed(packed: Packed, options: RequestOptions = {}, token?: AbortToken): Promise<(NativeOutcome | null)[]> {
    if (this.group?.count) this.flush();
    let reply: Promise<RequestsReply | null>;
    try {
      reply = send(this.native, packed, options, token);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return reply.then((r) => outcomes(r, packed.count));
  }

  /** Sends the single calls waiting to be coalesced now, ahead of whatever comes next. */
  sendPending(): void {
    if (this.group?.count) this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.group;
    if (!group?.count) return;
    this.group = undefined;
    let reply: Promise<RequestsReply | null>;
    try {
      reply = send(this.native, this.writer.finish());
    } catch (error) {
      reply = Promise.reject(asError(error));
    } finally {
      this.writer.reset();
    }
    reply.then(
      (reply) => group.resolve(outcomes(reply, group.count)),
      (error) => group.resolve(new SendFailed(error)),
    );
  }
}

/** Hands the words to the addon, which reads them before it returns. */
function send(native: NativeHandle, packed: Packed, options?: RequestOptions, token?: AbortToken): Promise<RequestsReply | null> {
  return native.requests(packed.words, packed.text, packed.sides, options, token);
}

/** The reply as one NativeOutcome (or null for plain success) per request. */
function outcomes(reply: RequestsReply | null, count: number): (NativeOutcome | null)[] {
  const out = new Array<NativeOutcome | null>(count).fill(null);
  if (reply === null) return out; // every request simply succeeded
  for (let i = 0; i < count; i++) {
    if (reply.codes[i] !== 0 || reply.states[i] !== 0) out[i] = { errno: reply.codes[i], state: STATES[reply.states[i]] ?? 'not-sent' };
  }
  for (const detail of reply.details) {
    const { index, ...rest } = detail;
    out[index] = { ...rest, errno: reply.codes[index], state: STATES[reply.states[index]] ?? 'not-sent' };
  }
  return out;
}

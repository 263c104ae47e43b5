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

interface Waiting {
  resolve: (outcome: NativeOutcome | null) => void;
  reject: (error: unknown) => void;
}

export class RequestQueue {
  // One writer, reused: native `requests()` has read the words when it returns.
  private readonly writer = new PackWriter();
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly native: NativeHandle) {}

  /** One request, coalesced with the others made in the same turn; null is plain success. */
  one(request: Request): Promise<NativeOutcome | null> {
    return new Promise((resolve, reject) => {
      try {
        this.writer.add(request.head, request.record);
      } catch (error) {
        reject(asError(error));
        return;
      }
      this.waiting.push({ resolve, reject });
      // A long burst goes out in pieces, so the kernel starts on the first while the
      // rest are still being prepared.
      if (this.waiting.length === BURST) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  /** Many requests as one list, after anything queued before; one outcome each, in order. */
  many(requests: Request[], options: RequestOptions = {}, token?: AbortToken): Promise<(NativeOutcome | null)[]> {
    if (this.waiting.length) this.flush(); // keeps the order the calls were made in (and frees the writer)
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
    if (this.waiting.length) this.flush();
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
    if (this.waiting.length) this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    if (this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    let reply: Promise<RequestsReply | null>;
    try {
      reply = send(this.native, this.writer.finish());
    } catch (error) {
      reply = Promise.reject(asError(error));
    } finally {
      this.writer.reset();
    }
    reply.then(
      (reply) => outcomes(reply, waiting.length).forEach((o, i) => waiting[i].resolve(o)),
      (error) => waiting.forEach((w) => w.reject(error)),
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

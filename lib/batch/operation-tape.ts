// A batch's operations, read once (plainSpec) when they are pushed and kept until
// commit() reads each back: the first ones as objects, the rest as bytes off the
// JavaScript heap.
//
// Why bytes: as objects, 100k pushed operations are ~20 MB of young heap (the spec's
// copy and the caller's strings it holds) when commit() starts right after the pushes,
// and the collector's first young-generation passes copy all of it, 10–25 ms each, with
// the event loop stopped. As bytes they are a few chunks of memory the collector never
// copies, and each operation read back is garbage again a moment later.
//
// Why objects first: writing and reading the bytes costs a cold process ~5 µs per
// operation (a fresh `nlroute -batch` sends its file in batches of 1024 lines, the DVR
// driver many batches of a few), where keeping the copy costs nothing; a thousand copies
// are a fraction of a megabyte, which the collector copies in well under a millisecond.
//
// What is stored is exactly the spec read once (plainSpec: own enumerable fields,
// copied as deep as a spec goes), so validation sees the same values it would have
// seen as objects: strings, every number (NaN, -0, ±Infinity), booleans, null,
// undefined, bigints, arrays and plain objects with their key order. An operation that
// holds anything else (a symbol, a function), or whose spec could not be read, is kept
// as an object: validation refuses it anyway.
import { NlrouteError } from '../errors';
import { plainSpec, setField } from '../plain';
import { deviceNamesOf } from '../routes/to-record';
import type { Operation, RouteVerb, RuleVerb } from './types';

const VERBS = ['add', 'delete', 'ensure', 'remove', 'replace', 'change', 'append', 'prepend'] as const;
const VERB_CODE = new Map<string, number>(VERBS.map((verb, code) => [verb, code]));

// Value tags, one byte each, followed by the value's bytes.
const enum Tag {
  Undefined,
  Null,
  False,
  True,
  Uint32, // u32
  Double, // f64
  Latin1, // u32 length, then one byte per code unit
  OtherString, // u32 index into `strings` (a code unit above 0xff)
  BigInt, // u32 length, then the decimal digits (and sign) in latin1
  Array, // u32 length, then the values
  Object, // u32 count, then per field: u32 key id, value
}

// Bytes live in chunks that are never copied once full, so a big batch touches each
// page once (growing one buffer by doubling would copy, and fault in, everything
// twice). The first chunks are small: the DVR driver commits many batches of a few
// operations. An operation always lies in one chunk; one bigger than CHUNK gets a
// chunk of its own.
const FIRST_CHUNK = 256;
const CHUNK = 1 << 16;
// Where an operation starts: chunk index * 2^32 + offset, exact in a double.
const CHUNK_STRIDE = 2 ** 32;

// An operation's first byte: bit 7 route (else rule), bit 6 a priority (u32) follows,
// the rest its verb's code. Then the spec's value, unless the operation is kept.
const ROUTE_BIT = 0x80;
const PRIORITY_BIT = 0x40;
const VERB_MASK = 0x3f;

/** How many operations of a batch are kept as objects before the rest go to bytes. */
export const AS_OBJECTS = 1024;

export class OperationTape {
  private readonly chunks: Buffer[] = [Buffer.alloc(FIRST_CHUNK)];
  private bytes = this.chunks[0]; // the chunk being written
  private end = 0; // where the next byte goes in it
  private opStart = 0; // where the operation being written starts in it
  private starts = new Float64Array(16);
  private count = 0;
  private readonly keys: string[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly kept = new Map<number, Operation>(); // by slot: operation index - AS_OBJECTS
  private readonly objects: Operation[] = []; // the first AS_OBJECTS operations
  /** Every device name the route operations use (their own `dev` and their hops'). */
  readonly deviceNames = new Set<string>();

  get size(): number {
    return this.count;
  }

  /** Reads the spec once and stores it; a spec that cannot be read is that operation's failure. */
  push(object: 'rule', verb: RuleVerb, spec: unknown): void;
  push(object: 'route', verb: RouteVerb, spec: unknown): void;
  push(object: 'rule' | 'route', verb: RuleVerb | RouteVerb, given: unknown): void {
    const index = this.count++;
    let spec: Record<string, unknown> | undefined;
    let unreadable: NlrouteError | undefined;
    try {
      spec = plainSpec<Record<string, unknown>>(object, given);
    } catch (error) {
      if (!(error instanceof NlrouteError)) throw error;
      unreadable = error;
    }
    if (spec && object === 'route') for (const name of deviceNamesOf(spec)) this.deviceNames.add(name);
    if (index < AS_OBJECTS) {
      this.objects.push((spec ? { object, verb, spec } : { object, verb, spec: {}, unreadable }) as Operation);
      return;
    }
    const slot = index - AS_OBJECTS;
    if (slot === this.starts.length) {
      const starts = new Float64Array(slot * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    let head = (object === 'route' ? ROUTE_BIT : 0) | VERB_CODE.get(verb)!;
    const priority = spec ? deletePriorityOf(object, verb, spec) : undefined;
    if (priority !== undefined) head |= PRIORITY_BIT;
    this.opStart = this.end;
    this.room(5);
    this.starts[slot] = (this.chunks.length - 1) * CHUNK_STRIDE + this.end;
    this.bytes[this.end++] = head;
    if (priority !== undefined) this.u32(priority);
    if (!spec) {
      this.kept.set(slot, { object, verb, spec: {}, unreadable } as Operation);
      return;
    }
    const headLength = this.end - this.opStart; // room() may move the operation while it is written
    if (!this.value(spec)) {
      this.end = this.opStart + headLength;
      this.kept.set(slot, { object, verb, spec } as Operation);
    }
  }

  /**
   * Operation i: one of the first ones as it was stored, any other read back as a fresh
   * object. Callers read what they get and never change it.
   */
  at(i: number): Operation {
    if (i < AS_OBJECTS) return this.objects[i];
    const slot = i - AS_OBJECTS;
    const head = this.seek(slot);
    const kept = this.kept.get(slot);
    if (kept) return kept;
    if (head & PRIORITY_BIT) this.at_ += 4;
    const spec = this.read();
    return { object: head & ROUTE_BIT ? 'route' : 'rule', verb: VERBS[head & VERB_MASK], spec } as Operation;
  }

  /** The priority of operation i when it is a rule delete or remove with a valid explicit one. */
  deletePriority(i: number): number | undefined {
    if (i < AS_OBJECTS) {
      const op = this.objects[i];
      return op.unreadable !== undefined ? undefined : deletePriorityOf(op.object, op.verb, op.spec as Record<string, unknown>);
    }
    return this.seek(i - AS_OBJECTS) & PRIORITY_BIT ? this.readU32() : undefined;
  }

  /** Points the reader just past the first byte of the operation in `slot`, and returns that byte. */
  private seek(slot: number): number {
    const start = this.starts[slot];
    const chunk = Math.floor(start / CHUNK_STRIDE);
    this.reading = this.chunks[chunk];
    this.at_ = start - chunk * CHUNK_STRIDE + 1;
    return this.reading[this.at_ - 1];
  }

  /** Makes room for n more bytes of the operation being written, in one chunk. */
  private room(n: number): void {
    if (this.end + n <= this.bytes.length) return;
    const partial = this.end - this.opStart;
    let size = Math.min(this.bytes.length * 2, CHUNK);
    while (size < partial + n) size *= 2;
    const next = Buffer.alloc(size);
    next.set(this.bytes.subarray(this.opStart, this.end));
    const slot = this.count - 1 - AS_OBJECTS;
    if (this.opStart === 0) {
      this.chunks[this.chunks.length - 1] = next; // it held only this operation's start
    } else {
      this.chunks.push(next);
    }
    this.starts[slot] = (this.chunks.length - 1) * CHUNK_STRIDE;
    this.bytes = next;
    this.opStart = 0;
    this.end = partial;
  }

  // Writing: each writer makes room for what it writes, then writes byte by byte
  // (for a few bytes, cheaper than any call into the runtime).

  private tag(tag: Tag): void {
    this.room(1);
    this.bytes[this.end++] = tag;
  }

  private u32(n: number): void {
    this.room(4);
    const b = this.bytes;
    const e = this.end;
    b[e] = n;
    b[e + 1] = n >>> 8;
    b[e + 2] = n >>> 16;
    b[e + 3] = n >>> 24;
    this.end = e + 4;
  }

  /** Writes s as u32 length and one byte per code unit; false (nothing written) if one is above 0xff. */
  private latin1(s: string): boolean {
    this.u32(s.length);
    this.room(s.length);
    const b = this.bytes;
    let e = this.end;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        this.end = e - i - 4; // room() may have moved the operation: rewind from where we are
        return false;
      }
      b[e++] = c;
    }
    this.end = e;
    return true;
  }

  /** Appends v's bytes; false when v holds something with no byte form (the caller rewinds). */
  private value(v: unknown): boolean {
    switch (typeof v) {
      case 'undefined':
        this.tag(Tag.Undefined);
        return true;
      case 'boolean':
        this.tag(v ? Tag.True : Tag.False);
        return true;
      case 'number':
        if (v >>> 0 === v && !Object.is(v, -0)) {
          this.tag(Tag.Uint32);
          this.u32(v);
        } else {
          this.tag(Tag.Double);
          DOUBLE[0] = v;
          this.room(8);
          this.bytes.set(DOUBLE_BYTES, this.end);
          this.end += 8;
        }
        return true;
      case 'string':
        this.tag(Tag.Latin1);
        if (!this.latin1(v)) {
          this.bytes[this.end - 1] = Tag.OtherString;
          this.u32(this.strings.length);
          this.strings.push(v);
        }
        return true;
      case 'bigint':
        this.tag(Tag.BigInt);
        return this.latin1(v.toString());
      case 'object':
        if (v === null) {
          this.tag(Tag.Null);
          return true;
        }
        if (Array.isArray(v)) {
          this.tag(Tag.Array);
          this.u32(v.length);
          for (const item of v) if (!this.value(item)) return false;
          return true;
        }
        this.tag(Tag.Object);
        return this.fields(v as Record<string, unknown>);
      default:
        return false; // a symbol or a function
    }
  }

  private fields(o: Record<string, unknown>): boolean {
    const keys = Object.keys(o);
    this.u32(keys.length);
    for (const key of keys) {
      let id = this.keyIds.get(key);
      if (id === undefined) {
        id = this.keys.length;
        this.keys.push(key);
        this.keyIds.set(key, id);
      }
      this.u32(id);
      if (!this.value(o[key])) return false;
    }
    return true;
  }

  // Reading: the next byte read is reading[at_].
  private reading = this.chunks[0];
  private at_ = 0;

  private readU32(): number {
    const b = this.reading;
    const a = this.at_;
    this.at_ = a + 4;
    return (b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | (b[a + 3] << 24)) >>> 0;
  }

  private readLatin1(): string {
    const length = this.readU32();
    const a = this.at_;
    this.at_ = a + length;
    // Chunks are Buffers for this: a string straight from the bytes, without a view of
    // them to pass to String.fromCharCode (a view costs ~200 bytes, read per operation).
    return this.reading.toString('latin1', a, a + length);
  }

  private read(): unknown {
    const tag = this.reading[this.at_++] as Tag;
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Uint32:
        return this.readU32();
      case Tag.Double:
        DOUBLE_BYTES.set(this.reading.subarray(this.at_, this.at_ + 8));
        this.at_ += 8;
        return DOUBLE[0];
      case Tag.Latin1:
        return this.readLatin1();
      case Tag.OtherString:
        return this.strings[this.readU32()];
      case Tag.BigInt:
        return BigInt(this.readLatin1());
      case Tag.Array: {
        const out: unknown[] = new Array(this.readU32());
        for (let i = 0; i < out.length; i++) out[i] = this.read();
        return out;
      }
      case Tag.Object: {
        const out: Record<string, unknown> = {};
        for (let n = this.readU32(); n > 0; n--) {
          const key = this.keys[this.readU32()];
          setField(out, key, this.read());
        }
        return out;
      }
    }
  }
}

// A double's bytes, through one scratch buffer.
const DOUBLE = new Float64Array(1);
const DOUBLE_BYTES = new Uint8Array(DOUBLE.buffer);

/** A rule delete's or remove's explicit priority when it is one the kernel takes. */
function deletePriorityOf(object: 'rule' | 'route', verb: string, spec: Record<string, unknown>): number | undefined {
  if (object !== 'rule' || (verb !== 'delete' && verb !== 'remove')) return undefined;
  const p = spec.priority ?? spec.pref;
  return typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 0xffffffff ? p : undefined;
}

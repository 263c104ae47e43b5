// A batch's operations, kept as bytes off the JavaScript heap from the moment they
// are pushed until commit() reads each back once.
//
// Why: as objects, 100k pushed operations are ~20 MB of young heap (the spec's copy
// and the caller's strings it holds) when commit() starts right after the pushes, and
// the collector's first young-generation passes copy all of it, 10–25 ms each, with
// the event loop stopped. As bytes they are one growing buffer the collector never
// copies, and each operation read back is garbage again a moment later.
//
// What is stored is exactly the spec read once (plainSpec: own enumerable fields,
// copied as deep as a spec goes), so validation sees the same values it would have
// seen as objects: strings, every number (NaN, -0, ±Infinity), booleans, null,
// undefined, bigints, arrays and plain objects with their key order. An operation that
// holds anything else (a symbol, a function), or whose spec could not be read, is kept
// as an object: validation refuses it anyway.
import { NlrouteError } from '../errors';
import { plainSpec } from '../plain';
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

export class OperationTape {
  // Small at first (the DVR driver commits many batches of a few operations), doubled as needed.
  private bytes = new Uint8Array(512);
  private end = 0;
  private starts = new Uint32Array(16);
  private heads = new Uint8Array(16); // object (bit 7) and verb code
  private priorities = new Float64Array(16); // of rule deletes and removes, else NaN
  private count = 0;
  private readonly keys: string[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly kept = new Map<number, Operation>();
  /** Every device name the route operations use (their own `dev` and their hops'). */
  readonly deviceNames = new Set<string>();

  get size(): number {
    return this.count;
  }

  /** Reads the spec once and stores it; a spec that cannot be read is that operation's failure. */
  push(object: 'rule', verb: RuleVerb, spec: unknown): void;
  push(object: 'route', verb: RouteVerb, spec: unknown): void;
  push(object: 'rule' | 'route', verb: RuleVerb | RouteVerb, given: unknown): void {
    const index = this.count;
    this.grow();
    this.count++;
    this.heads[index] = (object === 'route' ? 0x80 : 0) | VERB_CODE.get(verb)!;
    this.starts[index] = this.end;
    this.priorities[index] = NaN;
    let spec: Record<string, unknown>;
    try {
      spec = plainSpec<Record<string, unknown>>(object, given);
    } catch (error) {
      if (!(error instanceof NlrouteError)) throw error;
      this.kept.set(index, { object, verb, spec: {}, unreadable: error } as Operation);
      return;
    }
    if (object === 'route') for (const name of deviceNamesOf(spec)) this.deviceNames.add(name);
    else if (verb === 'delete' || verb === 'remove') this.priorities[index] = priorityOf(spec);
    if (!this.value(spec)) {
      this.end = this.starts[index];
      this.kept.set(index, { object, verb, spec } as Operation);
    }
  }

  /** Operation i, read back as a fresh object. */
  at(i: number): Operation {
    const kept = this.kept.get(i);
    if (kept) return kept;
    const head = this.heads[i];
    this.at_ = this.starts[i];
    const spec = this.read();
    return { object: head & 0x80 ? 'route' : 'rule', verb: VERBS[head & 0x7f], spec } as Operation;
  }

  /** The priority of operation i when it is a rule delete or remove with a valid explicit one. */
  deletePriority(i: number): number | undefined {
    const p = this.priorities[i];
    return Number.isNaN(p) ? undefined : p;
  }

  private grow(): void {
    if (this.count < this.starts.length) return;
    const size = this.starts.length * 2;
    const starts = new Uint32Array(size);
    starts.set(this.starts);
    this.starts = starts;
    const heads = new Uint8Array(size);
    heads.set(this.heads);
    this.heads = heads;
    const priorities = new Float64Array(size);
    priorities.set(this.priorities);
    this.priorities = priorities;
  }

  private room(n: number): void {
    if (this.end + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.end + n) size *= 2;
    const bytes = new Uint8Array(size);
    bytes.set(this.bytes.subarray(0, this.end));
    this.bytes = bytes;
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
    const start = this.end;
    this.u32(s.length);
    this.room(s.length);
    const b = this.bytes;
    let e = this.end;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        this.end = start;
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

  // Reading: at_ is where the next byte is read.
  private at_ = 0;

  private readU32(): number {
    const b = this.bytes;
    const a = this.at_;
    this.at_ = a + 4;
    return (b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | (b[a + 3] << 24)) >>> 0;
  }

  private readLatin1(): string {
    const length = this.readU32();
    const a = this.at_;
    this.at_ = a + length;
    return String.fromCharCode.apply(null, this.bytes.subarray(a, a + length) as unknown as number[]);
  }

  private read(): unknown {
    const tag = this.bytes[this.at_++] as Tag;
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
        DOUBLE_BYTES.set(this.bytes.subarray(this.at_, this.at_ + 8));
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
          // As plainCopy does: defined, not assigned, so that an own "__proto__" stays a
          // field and no setter on Object.prototype runs.
          Object.defineProperty(out, key, { value: this.read(), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
    }
  }
}

// A double's bytes, through one scratch buffer.
const DOUBLE = new Float64Array(1);
const DOUBLE_BYTES = new Uint8Array(DOUBLE.buffer);

/** A rule spec's explicit priority when it is one the kernel takes, else NaN. */
function priorityOf(spec: Record<string, unknown>): number {
  const p = spec.priority ?? spec.pref;
  return typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 0xffffffff ? p : NaN;
}

// Rule and route records -> the packed words native/addon/request_pack.h reads.
// Writing 32-bit words into one typed array costs a fraction of what one N-API
// object conversion per record would. Field ids and how each value is carried
// come from the addon itself (addon.recordFields), so both sides agree.
import { addon, type RouteRecord, type RuleRecord } from '../native';

export type ObjectKind = 'rule' | 'route';

type FieldKind = 'number' | 'flag' | 'address' | 'text' | 'pair' | 'wide';
interface Field {
  id: number;
  kind: FieldKind;
}

function fieldMap(table: Array<[string, FieldKind]>): Map<string, Field> {
  return new Map(table.map(([key, kind], id) => [key, { id, kind }]));
}
const FIELDS: Record<ObjectKind, Map<string, Field>> = {
  rule: fieldMap(addon.recordFields.rule),
  route: fieldMap(addon.recordFields.route),
};

const OBJECT_CODE: Record<ObjectKind, number> = { rule: 1, route: 2 };
const SIDE_RECORD = 0xffffffff;

/** What a request is, beyond its record. */
export interface RequestHead {
  object: ObjectKind;
  remove: boolean;
  /** NLM_F_CREATE / EXCL / REPLACE / APPEND */
  flags: number;
  /** An errno that counts as success (ensure: EEXIST; remove: ENOENT or ESRCH). */
  tolerate?: number;
}

export interface Packed {
  words: Uint32Array;
  text: string;
  sides: object[];
  count: number;
}

export class PackWriter {
  private words = new Uint32Array(256);
  private length = 0;
  private texts: string[] = [];
  private textLength = 0;
  private sides: object[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Empties the writer for the next list, keeping its buffer. Only safe once the
   * native side has read the last finish()ed words, which it does before
   * `requests()` returns.
   */
  reset(): void {
    this.length = 0;
    this.texts = [];
    this.textLength = 0;
    this.sides = [];
    this.count = 0;
  }

  /** Appends one request; on a bad record it throws and leaves the writer as it was. */
  add(head: RequestHead, record: RuleRecord | RouteRecord): void {
    const length = this.length;
    const texts = this.texts.length;
    const textLength = this.textLength;
    const sides = this.sides.length;
    try {
      this.write(head, record);
      this.count++;
    } catch (error) {
      this.length = length;
      this.texts.length = texts;
      this.textLength = textLength;
      this.sides.length = sides;
      throw error;
    }
  }

  private write(head: RequestHead, record: RuleRecord | RouteRecord): void {
    this.push((OBJECT_CODE[head.object] | (head.remove ? 1 << 8 : 0) | (head.flags << 16)) >>> 0);
    this.push(head.tolerate ?? 0);
    // Nested parts (metrics, multipath) travel as the record object itself.
    if (head.object === 'route' && ((record as RouteRecord).metrics || (record as RouteRecord).nexthops)) {
      this.push(SIDE_RECORD);
      this.push(this.sides.length);
      this.sides.push(record);
      return;
    }
    const fields = FIELDS[head.object];
    const countAt = this.length;
    this.push(0);
    let n = 0;
    const values = record as Record<string, unknown>;
    for (const key in values) {
      const value = values[key];
      if (value === undefined) continue;
      const field = fields.get(key);
      if (field === undefined) throw new TypeError(`${head.object} record: unknown field ${key}`);
      this.push(field.id);
      this.value(field.kind, value);
      n++;
    }
    this.words[countAt] = n;
  }

  finish(): Packed {
    return { words: this.words.subarray(0, this.length), text: this.texts.join(''), sides: this.sides, count: this.count };
  }

  private value(kind: FieldKind, value: unknown): void {
    switch (kind) {
      case 'number':
        this.push(value as number);
        return;
      case 'flag':
        this.push(value ? 1 : 0);
        return;
      case 'address':
      case 'text': {
        const s = value as string;
        this.push(this.textLength);
        this.push(s.length);
        this.texts.push(s);
        this.textLength += s.length;
        return;
      }
      case 'pair':
        this.push((value as [number, number])[0]);
        this.push((value as [number, number])[1]);
        return;
      case 'wide': {
        const v = BigInt(value as bigint | number);
        this.push(Number(v & 0xffffffffn));
        this.push(Number(v >> 32n));
        return;
      }
    }
  }

  private push(word: number): void {
    if (this.length === this.words.length) {
      const bigger = new Uint32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    this.words[this.length++] = word;
  }
}

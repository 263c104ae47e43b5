// Small checks shared by every converter: each throws a ValidationError that names
// the field as the caller spelled it.
import { ValidationError } from './errors';
import type { NameTable } from './names/name-table';

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;

/**
 * An options object read once into plain data: `undefined` is no options; anything but
 * a plain object, or a key not in `known`, is a ValidationError naming it. Each known
 * key is read exactly once (a getter runs once; one that throws is that key's error),
 * so nothing later sees a value change under it.
 */
export function plainOptions<K extends string>(field: string, value: unknown, known: readonly K[]): Partial<Record<K, unknown>> {
  const out = Object.create(null) as Partial<Record<K, unknown>>;
  if (value === undefined) return out;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(field, value, `expected an object with some of: ${known.join(', ')}`);
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    throw new ValidationError(field, undefined, `could not be read: ${(error as Error)?.message}`);
  }
  for (const key of keys) {
    let v: unknown;
    try {
      v = (value as Record<string, unknown>)[key];
    } catch (error) {
      throw new ValidationError(key, undefined, `could not be read: ${(error as Error)?.message}`);
    }
    if (!(known as readonly string[]).includes(key)) {
      throw new ValidationError(key, v, `unknown option of ${field} (known: ${known.join(', ')})`);
    }
    if (v !== undefined) out[key as K] = v;
  }
  return out;
}

export function integer(field: string, value: unknown, min: number, max: number): number {
  let n = value;
  if (typeof n === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(n.trim())) n = Number(n.trim());
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ValidationError(field, value, 'expected an integer');
  }
  if (n < min || n > max) throw new ValidationError(field, value, `must be ${min}..${max}`);
  return n === 0 ? 0 : n; // -0 is 0
}

/** A number, or a name looked up first in `table` (as iproute2 does: names win over numbers). */
export function numberOrName(field: string, value: unknown, table: NameTable, max: number, what: string): number {
  if (typeof value === 'string') {
    const id = table.id(value);
    if (id !== undefined) return id;
    // strtoul(..., 0): decimal, 0x-hex, or 0-prefixed octal
    const text = value.trim();
    let parsed: number | undefined;
    if (/^0x[0-9a-f]+$/i.test(text)) parsed = parseInt(text, 16);
    else if (/^0[0-7]+$/.test(text)) parsed = parseInt(text, 8);
    else if (/^\d+$/.test(text)) parsed = parseInt(text, 10);
    if (parsed === undefined) throw new ValidationError(field, value, `unknown ${what} name`);
    return integer(field, parsed, 0, max);
  }
  return integer(field, value, 0, max);
}

/** `80`, `[1000, 2000]`, `'1000-2000'`, `{ start, end }` -> [start, end], start <= end. */
export function range(field: string, value: unknown, max: number): [number, number] {
  let start: unknown;
  let end: unknown;
  if (Array.isArray(value) && value.length === 2) [start, end] = value as unknown[];
  else if (typeof value === 'string' && value.includes('-')) [start, end] = value.split('-', 2);
  else if (value !== null && typeof value === 'object' && Object.hasOwn(value, 'start') && Object.hasOwn(value, 'end')) {
    // Own properties only: a `start` inherited from a prototype is not the caller's.
    ({ start, end } = value as { start: unknown; end: unknown });
  } else start = end = value;
  const a = integer(field, start, 0, max);
  const b = integer(field, end, 0, max);
  if (a > b) throw new ValidationError(field, value, 'range start is greater than its end');
  return [a, b];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** IFNAMSIZ less its NUL: the kernel's limit for a device name, in bytes. */
export const MAX_DEVICE_NAME_BYTES = 15;

/**
 * A device name the kernel could hold (dev_valid_name): 1..15 bytes of UTF-8, no NUL
 * (the kernel would cut the name there and match another device), no "/", ":" or
 * white space, not "." or "..".
 */
export function deviceName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError(field, value, 'expected a device name');
  if (value.includes('\0')) throw new ValidationError(field, value, 'a device name cannot contain a NUL byte');
  if (LONE_SURROGATE.test(value)) throw new ValidationError(field, value, 'a device name must be valid Unicode (no lone surrogate)');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_DEVICE_NAME_BYTES) {
    throw new ValidationError(field, value, `a device name holds at most ${MAX_DEVICE_NAME_BYTES} bytes (IFNAMSIZ), this one is ${bytes}`);
  }
  if (/[\s/:]/.test(value) || value === '.' || value === '..') {
    throw new ValidationError(field, value, 'a device name cannot contain "/", ":" or white space, or be "." or ".."');
  }
  return value;
}

export function boolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, value, 'expected true or false');
  return value;
}

/** Realms as `ip ... realms FROM/TO` takes them: `'FROM/TO'`, `'TO'` (names or numbers), or the raw u32. */
export function realms(field: string, value: unknown, table: NameTable): number {
  if (typeof value === 'number') return integer(field, value, 0, U32);
  if (typeof value !== 'string') throw new ValidationError(field, value, 'expected "FROM/TO", "TO" or a number');
  const [from, to] = value.includes('/') ? value.split('/', 2) : ['0', value];
  const a = numberOrName(field, from, table, U16, 'realm');
  const b = numberOrName(field, to, table, U16, 'realm');
  return ((a << 16) | b) >>> 0;
}

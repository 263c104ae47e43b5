// Small checks shared by every converter: each throws a ValidationError that names
// the field as the caller spelled it.
import { ValidationError } from './errors';
import type { NameTable } from './names/name-table';

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;

export function integer(field: string, value: unknown, min: number, max: number): number {
  let n = value;
  if (typeof n === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(n.trim())) n = Number(n.trim());
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ValidationError(field, value, 'expected an integer');
  }
  if (n < min || n > max) throw new ValidationError(field, value, `must be ${min}..${max}`);
  return n;
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
  if (Array.isArray(value) && value.length === 2) [start, end] = value;
  else if (typeof value === 'string' && value.includes('-')) [start, end] = value.split('-', 2);
  else if (value !== null && typeof value === 'object' && 'start' in value && 'end' in value) {
    ({ start, end } = value as { start: unknown; end: unknown });
  } else start = end = value;
  const a = integer(field, start, 0, max);
  const b = integer(field, end, 0, max);
  if (a > b) throw new ValidationError(field, value, 'range start is greater than its end');
  return [a, b];
}

export function deviceName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 15 || /[\s/]/.test(value) || value === '.' || value === '..') {
    throw new ValidationError(field, value, 'expected a device name of 1..15 characters without "/" or spaces');
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

// Argument forms that rule and route commands share. Where the library already
// checks a value (device names, names from the name files, realms), its check is
// used, and its ValidationError becomes bad syntax naming the keyword.
import { ValidationError } from '../errors';
import type { NameTable } from '../names/name-table';
import { deviceName as checkedDeviceName, numberOrName, realms } from '../validate';
import { parseBase0, unsigned } from './numbers';
import { invalidArgument } from './words';

function asSyntax<T>(keyword: string, text: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) throw invalidArgument(keyword, text, error.reason);
    throw error;
  }
}

/** rtnl_dsfield_a2n(): a name from rt_dsfield, or a number read as hex (`tos 10` is 0x10). */
export function dsfield(keyword: string, text: string, names: NameTable): number {
  const named = names.id(text);
  if (named !== undefined) return named;
  if (!/^(0x)?[0-9a-f]+$/i.test(text)) throw invalidArgument(keyword, text, 'TOS value is invalid');
  const value = parseInt(text.replace(/^0x/i, ''), 16);
  if (value > 255) throw invalidArgument(keyword, text, 'a TOS value is 0..0xff');
  return value;
}

/** A device name as the kernel takes it: 1..15 characters, no '/' or whitespace. */
export function deviceName(keyword: string, text: string): string {
  return asSyntax(keyword, text, () => checkedDeviceName(keyword, text));
}

/** `N` or `N-M` of 16-bit ports. */
export function portRange(keyword: string, text: string): [number, number] {
  return numberRange(keyword, text, 0xffff);
}

/** `N-M` of user ids. */
export function uidRange(keyword: string, text: string): [number, number] {
  if (!text.includes('-')) throw invalidArgument(keyword, text, 'expected a range START-END');
  return numberRange(keyword, text, 0xffffffff);
}

function numberRange(keyword: string, text: string, max: number): [number, number] {
  const [a, b = a] = text.split('-', 2);
  const start = parseBase0(a);
  const end = parseBase0(b);
  if (start === undefined || end === undefined || start > max || end > max || start > end) {
    throw invalidArgument(keyword, text, `expected N or N-M within 0..${max}`);
  }
  return [start, end];
}

/** `0` or `1`, as iproute2's quickack and fastopen_no_cookie take it. */
export function zeroOrOne(keyword: string, text: string): boolean {
  const value = unsigned(keyword, text, 1);
  return value === 1;
}

/**
 * rtnl_*_a2n(): a name from one of the namespace's name files (rt_tables,
 * rt_protos, ...) or a number, resolved while the command is read, so that an
 * unknown name is bad syntax as in iproute2 and never reaches the kernel.
 */
export function nameOrNumber(keyword: string, text: string, table: NameTable, max: number): number {
  return asSyntax(keyword, text, () => numberOrName(keyword, text, table, max, keyword));
}

/** `FROM/TO` or `TO` realms, names or numbers, as one 32-bit value. */
export function realmsValue(keyword: string, text: string, table: NameTable): number {
  return asSyntax(keyword, text, () => realms(keyword, text, table));
}

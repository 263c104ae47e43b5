// Reading what a caller hands us exactly once, into plain data. A spec may be a
// Proxy, have getters (that throw, or answer differently each time), inherit fields,
// or be changed by the caller after the call returns; validation and sending must
// all see one fixed copy. Arrays and plain objects are copied as deep as a spec goes;
// everything else (strings, numbers, bigints, ...) is kept as it is.
import { ValidationError } from './errors';

/** Deeper than any spec (route > nexthops > hop > field). */
const MAX_DEPTH = 4;

/**
 * A copy of `value` made of own enumerable fields only. A field that cannot be read
 * (a throwing getter or trap) is a ValidationError naming it.
 */
export function plainCopy(field: string, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) throw new ValidationError(field, undefined, 'is nested deeper than any spec');
  try {
    if (Array.isArray(value)) {
      const length = value.length;
      const out: unknown[] = new Array(length);
      for (let i = 0; i < length; i++) {
        if (!Object.hasOwn(value, i)) throw new ValidationError(`${field}[${i}]`, undefined, 'is a hole in the list');
        out[i] = plainCopy(`${field}[${i}]`, value[i], depth + 1);
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      setField(out, key, plainCopy(field ? `${field}.${key}` : key, (value as Record<string, unknown>)[key], depth + 1));
    }
    return out;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(field || 'spec', undefined, `could not be read: ${(error as Error)?.message ?? String(error)}`);
  }
}

/**
 * Gives a fresh plain object (`{}`) an own field. Where Object.prototype has the name
 * (an own "__proto__" key, which JSON.parse makes; "toString"; or a setter someone
 * added), assigning would set the prototype, run a setter or fail on a frozen
 * prototype, so the field is defined instead. Everywhere else assigning does the same
 * and costs a third as much.
 */
export function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  if (Object.hasOwn(Object.prototype, key))
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** A spec (rule, route, filter) read once: an object, or a ValidationError. */
export function plainSpec<T>(what: string, value: unknown): T {
  if (value === null || typeof value !== 'object' || isArray(what, value)) {
    throw new ValidationError(what, value, 'expected an object');
  }
  return plainCopy('', value) as T;
}

/** Array.isArray, which throws for a revoked proxy: that is a spec that cannot be read. */
function isArray(what: string, value: object): boolean {
  try {
    return Array.isArray(value);
  } catch (error) {
    throw new ValidationError(what, undefined, `could not be read: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** A dense array, read once: not an array, or a hole in it (`[ , x]`), is a ValidationError. */
export function denseList(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(field, value, 'expected a list');
  const out: unknown[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    if (!Object.hasOwn(value, i)) throw new ValidationError(`${field}[${i}]`, undefined, 'is a hole in the list');
    out[i] = value[i];
  }
  return out;
}

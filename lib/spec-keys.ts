// The field names a spec (a rule or a route, as people write it) may use: the
// canonical ones, their aliases (`pref` for `priority`), and read-only state that a
// listed object carries and a spec ignores, so that a listed object can be given back.
import { ValidationError } from './errors';

export interface SpecKeys {
  /** `rule` or `route`, for messages. */
  object: string;
  aliases: Record<string, string>;
  state: Set<string>;
  known: Set<string>;
}

/**
 * The spec with canonical names only, and without state. A spec that already uses only
 * canonical names is returned as it is: this runs for every operation of a batch.
 */
export function canonicalKeys<T extends object>(input: T, keys: SpecKeys): T {
  const fields = input as Record<string, unknown>;
  let renamed = false;
  // for-in with an own-property check, not Object.keys(): it walks V8's cached key list
  // of the object's shape and makes no array per spec (this runs for every operation).
  for (const key in fields) {
    if (!Object.hasOwn(fields, key) || fields[key] === undefined) continue;
    if (Object.hasOwn(keys.aliases, key) || keys.state.has(key)) renamed = true;
    else if (!keys.known.has(key)) throw new ValidationError(key, fields[key], `unknown ${keys.object} field`);
  }
  if (!renamed) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || keys.state.has(key)) continue;
    const canonical = Object.hasOwn(keys.aliases, key) ? keys.aliases[key] : key;
    if (!keys.known.has(canonical)) throw new ValidationError(key, value, `unknown ${keys.object} field`);
    if (Object.hasOwn(out, canonical)) throw new ValidationError(key, value, `given twice (also as ${canonical})`);
    out[canonical] = value;
  }
  return out as T;
}

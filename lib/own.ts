// Name -> value look-ups that only ever see a table's own entries. A plain object
// also answers to the names on Object.prototype (`toString`, `constructor`,
// `__proto__`), so `name in TABLE` or `TABLE[name]` would let those through as if
// they were words of ours; every look-up of a caller's word goes through here.

/** The table's own value for `key`, or undefined (also for a key that is not a string). */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether `key` is one of the table's own names. */
export function isOwnKey<K extends string>(table: Readonly<Record<K, unknown>>, key: unknown): key is K {
  return typeof key === 'string' && Object.hasOwn(table, key);
}

// One value of a spec as a word of an `ip`-style description ("pref 100 lookup 16"),
// for messages. The spec may be the bad input being described, so any value is taken:
// strings and numbers as they are, anything else as JSON (never "[object Object]").
export function wordOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

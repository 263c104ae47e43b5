// A consumer of watch events as an agent would write one: it applies every event to
// its own copy of the state, so a test can compare that copy with the kernel's.
import type { Link, Route, Rule, Watch, WatchEvent } from '../../lib';

const VOLATILE = new Set(['expires', 'linkdown', 'dead', 'iifDetached', 'oifDetached', 'unresolved']);

/** An object's contents as text, without the state flags the kernel changes silently. */
export function contents(object: object): string {
  const kept = Object.entries(object)
    .filter(([k]) => !VOLATILE.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(kept, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

// The kernel's keys (written here independently of lib/watch).
const routeKey = (r: Route) =>
  `${r.family} ${r.table} ${r.dst} ${r.family === 4 ? (r.tos ?? 0) : (r.from ?? '')} ${r.metric ?? (r.family === 6 ? 1024 : 0)}`;
const keyOf = (event: Exclude<WatchEvent, { type: 'resync' }>) =>
  event.kind === 'route' ? routeKey(event.object) : event.kind === 'link' ? String(event.object.index) : contents(event.object);

export class Consumer {
  readonly rules = new Map<string, Rule>();
  readonly routes = new Map<string, Route>();
  readonly links = new Map<string, Link>();
  readonly events: WatchEvent[] = [];

  apply(event: WatchEvent): void {
    this.events.push(event);
    if (event.type === 'resync') return;
    const map = (event.kind === 'rule' ? this.rules : event.kind === 'route' ? this.routes : this.links) as Map<string, object>;
    if (event.type === 'removed') map.delete(keyOf(event));
    else map.set(keyOf(event), event.object);
  }

  /** Takes events until `done` says so (the test's own timeout ends a wait that never does). */
  async until(watch: Watch, done: (consumer: Consumer) => boolean): Promise<void> {
    while (!done(this)) {
      const next = await watch.next();
      if (next.done) throw new Error(`the watch ended after ${this.events.length} events`);
      this.apply(next.value);
    }
  }

  /** The contents of one kind, sorted, for comparing with a listing. */
  static sorted(objects: Iterable<object>): string[] {
    return [...objects].map(contents).sort();
  }
}

/** Whether `events` holds an event of this type and kind whose object matches `match`. */
export function hasEvent(events: WatchEvent[], type: string, kind: string, match: (object: Record<string, unknown>) => boolean): boolean {
  return events.some((e) => e.type === type && 'kind' in e && e.kind === kind && match(e.object as unknown as Record<string, unknown>));
}

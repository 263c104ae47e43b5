// What a watch has reported, per kind, so that every notification becomes the right
// event: a notification of something already reported as it is (the listing at the
// start or after an overflow saw it too) is no event, a route re-added under its key
// with other contents is `changed`, and a resync is the difference between what was
// reported and what the kernel now lists.
import type { Link } from '../links';
import type { Route } from '../routes/types';
import type { Rule } from '../rules/types';
import { stableJson } from '../stable-json';

export type Kind = 'rule' | 'route' | 'link';
type ObjectOf<K extends Kind> = K extends 'rule' ? Rule : K extends 'route' ? Route : Link;

export interface Difference<K extends Kind> {
  type: 'added' | 'removed' | 'changed';
  object: ObjectOf<K>;
  previous?: ObjectOf<K>;
}

/** How one kind is keyed and compared. */
interface Identity<T> {
  /** Two objects with one key cannot exist side by side in the kernel. */
  key(object: T): string;
  /** The contents that make a difference to a consumer (state flags left out). */
  contents(object: T): string;
}

// Read-only state the kernel changes without a notification.
const RULE_STATE = new Set(['iifDetached', 'oifDetached', 'unresolved']);
const ROUTE_STATE = new Set(['expires', 'linkdown', 'dead']);

function withoutState(object: object, state: Set<string>): string {
  return stableJson(Object.fromEntries(Object.entries(object).filter(([key]) => !state.has(key))));
}

// A rule is all of its contents: the kernel keeps two rules apart by any field.
const RULES: Identity<Rule> = {
  key: (rule) => withoutState(rule, RULE_STATE),
  contents: (rule) => withoutState(rule, RULE_STATE),
};

// A route's key is the kernel's: IPv4 (table, dst, tos, metric), IPv6 (table, dst, from, metric).
const ROUTES: Identity<Route> = {
  key: (r) =>
    r.family === 4 ? `4 ${r.table} ${r.dst} ${r.tos ?? 0} ${r.metric ?? 0}` : `6 ${r.table} ${r.dst} ${r.from ?? ''} ${r.metric ?? 1024}`,
  contents: (route) => withoutState(route, ROUTE_STATE),
};

const LINKS: Identity<Link> = {
  key: (link) => String(link.index),
  contents: (link) => `${link.name} ${link.address ?? ''}`,
};

export class ReportedKind<K extends Kind> {
  private objects = new Map<string, ObjectOf<K>>();

  constructor(private readonly identity: Identity<ObjectOf<K>>) {}

  get size(): number {
    return this.objects.size;
  }

  values(): IterableIterator<ObjectOf<K>> {
    return this.objects.values();
  }

  /** A notification that `object` exists (is new, or replaced what had its key). */
  present(object: ObjectOf<K>): Difference<K> | undefined {
    const key = this.identity.key(object);
    const previous = this.objects.get(key);
    this.objects.set(key, object);
    if (previous === undefined) return { type: 'added', object };
    if (this.identity.contents(previous) === this.identity.contents(object)) return undefined;
    return { type: 'changed', object, previous };
  }

  /**
   * A notification that `object` is gone. `exact` is false when what was reported
   * under its key had other contents (an IPv6 multipath route losing one path, an
   * IPv4 route appended under a key): the key may still hold something, so the
   * caller should list again.
   */
  absent(object: ObjectOf<K>): { difference?: Difference<K>; exact: boolean } {
    const key = this.identity.key(object);
    const previous = this.objects.get(key);
    if (previous === undefined) return { exact: true };
    this.objects.delete(key);
    const exact = this.identity.contents(previous) === this.identity.contents(object);
    return { difference: { type: 'removed', object }, exact };
  }

  /** Replaces what was reported with a fresh listing; the differences, removals first. */
  resync(listed: Iterable<ObjectOf<K>>): Difference<K>[] {
    const fresh = new Map<string, ObjectOf<K>>();
    for (const object of listed) fresh.set(this.identity.key(object), object);
    const removed: Difference<K>[] = [];
    const changed: Difference<K>[] = [];
    const added: Difference<K>[] = [];
    for (const [key, object] of this.objects) if (!fresh.has(key)) removed.push({ type: 'removed', object });
    for (const [key, object] of fresh) {
      const previous = this.objects.get(key);
      if (previous === undefined) added.push({ type: 'added', object });
      else if (this.identity.contents(previous) !== this.identity.contents(object)) changed.push({ type: 'changed', object, previous });
    }
    this.objects = fresh;
    return [...removed, ...changed, ...added];
  }
}

export const reportedRules = (): ReportedKind<'rule'> => new ReportedKind<'rule'>(RULES);
export const reportedRoutes = (): ReportedKind<'route'> => new ReportedKind<'route'>(ROUTES);
export const reportedLinks = (): ReportedKind<'link'> => new ReportedKind<'link'>(LINKS);

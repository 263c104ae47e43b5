// Reconcile: make the part of the kernel a caller owns (its scope) equal to a desired
// set, with the fewest changes, and touch nothing outside that scope. The same for
// rules and routes; what differs (how to read the scope, how two objects are the
// same) comes from the caller.
import type { Batch } from './batch/batch';
import type { BatchResult } from './batch/types';
import { NlrouteError, ValidationError } from './errors';
import { denseList } from './plain';
import { plainOptions } from './validate';

export interface ReconcileResult<T, S> {
  /** Desired objects that were missing and were added. */
  added: S[];
  /** Objects in the scope that were not desired and were deleted. */
  removed: T[];
  /** Objects that were already as desired. */
  unchanged: T[];
  /** Changes the kernel refused; everything else was applied. */
  failures: Array<{ object: T | S; error: NlrouteError }>;
}

export interface ReconcilePlan<T, S> {
  /** What the kernel holds in the scope now. */
  current: T[];
  desired: S[];
  /**
   * Texts that are equal for two objects exactly when they are the same object. A
   * current object may have several (the kernel fills in fields a desired object
   * may leave out, like the device of a gateway route); it matches on any of them.
   */
  identitiesOfCurrent: (object: T) => string[];
  identityOfDesired: (spec: S) => string;
  /** Throws a ValidationError when a desired object would lie outside the scope. */
  checkInScope: (spec: S, index: number) => void;
  remove: (batch: Batch, object: T) => void;
  add: (batch: Batch, spec: S) => void;
}

/**
 * A reconcile scope, read once into a plain object. A scope says what the caller
 * owns, and everything in it that is not desired is deleted: so there is no default
 * (null, undefined or a non-object is an error, never "everything").
 */
export function readScope<T extends object>(scope: unknown): T {
  if (scope === null || typeof scope !== 'object' || Array.isArray(scope)) {
    throw new ValidationError('scope', scope, 'a reconcile needs a scope object: what it owns, and so may delete');
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(scope)) out[key] = (scope as Record<string, unknown>)[key];
  return out as T;
}

/**
 * The desired list, read once: a dense array of objects. A hole (`[ , x]`) is an
 * error, never "nothing desired here", since what is not desired gets deleted.
 */
export function readDesired<S>(desired: unknown): S[] {
  const list = denseList('desired', desired);
  list.forEach((spec, i) => {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
      throw new ValidationError(`desired[${i}]`, spec, 'expected an object');
  });
  return list as S[];
}

export interface ReconcileOptions<T> {
  /** Stops the reconcile (see CallOptions). */
  signal?: AbortSignal;
  /**
   * Which of the objects the scope lists are the caller's own: only those may be
   * deleted, and only they count as already there. For an owner whose objects share a
   * scope with others' that no listing filter can tell apart (a DVR node's /32 routes
   * beside the agent's on-link routes in the same table). Desired objects must be
   * owned too, or the next reconcile would not see them and add them again.
   */
  owns?: (object: T) => boolean;
}

/** A reconcile's options, read once: `signal` goes on as call options, `owns` must be a function. */
export function readReconcileOptions<T>(options: unknown): { call: { signal?: unknown }; owns?: (object: T) => boolean } {
  const o = plainOptions('reconcile options', options, ['signal', 'owns']);
  if (o.owns !== undefined && typeof o.owns !== 'function') throw new ValidationError('owns', o.owns, 'expected a function');
  return { call: o.signal === undefined ? {} : { signal: o.signal }, owns: o.owns as ((object: T) => boolean) | undefined };
}

/** Makes a batch on the handle being reconciled. */
export type NewBatch = () => Batch;

export async function reconcile<T, S>(plan: ReconcilePlan<T, S>, newBatch: NewBatch, signal?: AbortSignal): Promise<ReconcileResult<T, S>> {
  const wanted = new Map<string, S>();
  plan.desired.forEach((spec, i) => {
    plan.checkInScope(spec, i);
    wanted.set(plan.identityOfDesired(spec), spec); // a repeated object counts once
  });
  const held = new Map<string, T>();
  const removed: T[] = [];
  const unchanged: T[] = [];
  for (const object of plan.current) {
    const identity = plan.identitiesOfCurrent(object).find((id) => wanted.has(id) && !held.has(id));
    if (identity !== undefined) {
      held.set(identity, object);
      unchanged.push(object);
    } else {
      removed.push(object);
    }
  }
  const added = [...wanted].filter(([identity]) => !held.has(identity)).map(([, spec]) => spec);
  const result: ReconcileResult<T, S> = { added: [], removed: [], unchanged, failures: [] };
  if (removed.length === 0 && added.length === 0) return result; // nothing to send

  // Deletes first, so that an add never collides with the object it replaces.
  const batch = newBatch();
  for (const object of removed) plan.remove(batch, object);
  for (const spec of added) plan.add(batch, spec);
  const results: BatchResult[] = await batch.commit(signal ? { signal } : undefined);
  results.forEach((r, i) => {
    const object = i < removed.length ? removed[i] : added[i - removed.length];
    if (r.ok) (i < removed.length ? result.removed : result.added).push(object as never);
    else if (r.status === 'failed') result.failures.push({ object, error: r.error });
  });
  return result;
}

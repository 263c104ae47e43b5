// What a batch is made of and what it answers.
import type { NlrouteError } from '../errors';
import type { RouteSpec } from '../routes/types';
import type { RuleSpec } from '../rules/types';

export type RuleVerb = 'add' | 'delete' | 'ensure' | 'remove';
export type RouteVerb = 'add' | 'replace' | 'change' | 'append' | 'prepend' | 'delete' | 'ensure' | 'remove';

/**
 * An operation as pushed: its spec already read once into plain data, or, when that
 * failed (not an object, a getter that throws), the error that is its result.
 */
export type Operation =
  | { object: 'rule'; verb: RuleVerb; spec: RuleSpec; unreadable?: NlrouteError }
  | { object: 'route'; verb: RouteVerb; spec: RouteSpec; unreadable?: NlrouteError };

/**
 * - `continue` (default, like `ip -batch -force`): every operation is tried, pipelined.
 * - `stop`: operations after the first failure are not sent (`not-attempted`).
 * - `rollback`: as `stop`, then the operations that succeeded are undone, in
 *   reverse, so the kernel is left as it was before the batch.
 */
export type OnError = 'continue' | 'stop' | 'rollback';

export interface CommitOptions {
  onError?: OnError;
  /**
   * Most requests without an ACK at a time. By default as many as the receive
   * buffer has room for, which never overflows; tests set more to provoke ENOBUFS.
   */
  unacknowledgedLimit?: number;
  /**
   * Stops the batch: no list of requests is sent after it fires, and commit() rejects
   * with an AbortError whose `results` are every operation's definite result
   * (`not-attempted` for those not sent).
   */
  signal?: AbortSignal;
}

/** One operation's result, in the order the operations were given. */
export type BatchResult =
  /** `done`: applied. `unchanged`: ensure found it there already, remove found nothing. */
  | { ok: true; status: 'done' | 'unchanged'; verified?: true }
  /** Refused: by validation (ValidationError, nothing sent) or by the kernel (NetlinkError). */
  | { ok: false; status: 'failed'; error: NlrouteError; verified?: true }
  /** Not sent: an earlier operation failed in `stop` or `rollback` mode. */
  | { ok: false; status: 'not-attempted' }
  /** Applied, then undone by a rollback. */
  | { ok: false; status: 'rolled-back' }
  /** Applied, and the rollback could not undo it: it is still in the kernel. */
  | { ok: false; status: 'rollback-failed'; error: NlrouteError };
// `verified`: the kernel's ACK was lost (receive-buffer overflow), so nlroute read
// the state back to tell whether the operation was applied.

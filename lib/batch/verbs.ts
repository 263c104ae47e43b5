// Batch operations -> requests: the netlink flags of each verb, and the errno that
// makes an idempotent verb a success.
import { constants as os } from 'node:os';

import type { HandleCore } from '../core';
import { NLM_F, type RouteRecord, type RuleRecord } from '../native';
import { sharedHead } from '../requests/heads';
import type { Request } from '../requests/queue';
import { describeRoute } from '../routes/describe';
import { ROUTE_FIELD_OF_ATTRIBUTE } from '../routes/codes';
import { routeToRecord } from '../routes/to-record';
import { describeRule } from '../rules/describe';
import { RULE_FIELD_OF_ATTRIBUTE } from '../rules/codes';
import { ruleToRecord } from '../rules/to-record';
import type { Operation, RouteVerb, RuleVerb } from './types';

interface Verb {
  remove: boolean;
  flags: number;
  /** The errno that means "already so" for the idempotent verbs. */
  tolerate?: number;
}

const ROUTE_VERBS: Record<RouteVerb, Verb> = {
  add: { remove: false, flags: NLM_F.CREATE | NLM_F.EXCL },
  replace: { remove: false, flags: NLM_F.CREATE | NLM_F.REPLACE },
  change: { remove: false, flags: NLM_F.REPLACE },
  append: { remove: false, flags: NLM_F.CREATE | NLM_F.APPEND },
  prepend: { remove: false, flags: NLM_F.CREATE },
  delete: { remove: true, flags: 0 },
  // Without EXCL the kernel answers EEXIST only for an identical route; a different
  // route with the same key does not make an ensure succeed (see README).
  ensure: { remove: false, flags: NLM_F.CREATE, tolerate: os.errno.EEXIST },
  remove: { remove: true, flags: 0, tolerate: os.errno.ESRCH },
};

const RULE_VERBS: Record<RuleVerb, Verb> = {
  add: { remove: false, flags: NLM_F.CREATE | NLM_F.EXCL },
  delete: { remove: true, flags: 0 },
  ensure: { remove: false, flags: NLM_F.CREATE | NLM_F.EXCL, tolerate: os.errno.EEXIST },
  remove: { remove: true, flags: 0, tolerate: os.errno.ENOENT },
};

export function verbOf(op: Operation): Verb {
  return op.object === 'rule' ? RULE_VERBS[op.verb] : ROUTE_VERBS[op.verb];
}

/** The validated request of one operation; throws a ValidationError for bad input. */
export function requestOf(op: Operation, core: HandleCore): Request {
  const verb = verbOf(op);
  const record =
    op.object === 'rule'
      ? ruleToRecord(op.spec, verb.remove ? 'delete' : 'add', core.names)
      : routeToRecord(op.spec, verb.remove ? 'delete' : 'add', core);
  return { head: sharedHead(op.object, verb.remove, verb.flags, verb.tolerate), record };
}

/** A request built from a record directly (for undoing), with a verb's flags. */
export function requestFor(object: 'rule', verb: RuleVerb, record: RuleRecord): Request;
export function requestFor(object: 'route', verb: RouteVerb, record: RouteRecord): Request;
export function requestFor(object: 'rule' | 'route', verb: string, record: RuleRecord | RouteRecord): Request {
  const v = object === 'rule' ? RULE_VERBS[verb as RuleVerb] : ROUTE_VERBS[verb as RouteVerb];
  return { head: sharedHead(object, v.remove, v.flags, v.tolerate), record };
}

/** How an operation is named and described in its errors. */
export function describeOperation(op: Operation): { operation: string; request: string; fields: Record<string, string> } {
  return op.object === 'rule'
    ? { operation: `rule ${op.verb}`, request: describeRule(op.spec), fields: RULE_FIELD_OF_ATTRIBUTE }
    : { operation: `route ${op.verb}`, request: describeRoute(op.spec), fields: ROUTE_FIELD_OF_ATTRIBUTE };
}

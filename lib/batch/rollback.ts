// Undoing a rollback-mode batch so that the kernel ends exactly as it was, order
// included. Order matters where the kernel keeps several objects under one key:
//  - IPv4 routes with the same (table, dst, tos, metric) are aliases in a list: an add,
//    ensure or prepend goes before the others, an append after them, a replace or
//    change takes the first one's place, a delete takes the first one it matches;
//  - rules with the same priority are kept in the order they were added: an add goes
//    after every rule of its priority.
// So putting a deleted object back where it was may take more than one request: the
// objects after it under its key are taken out, it is added, and they are added back.
//
// Before anything is sent, the batch is replayed against a model of those lists, read
// from the kernel (KernelView) and changed op by op as the kernel will change them, so
// that each operation's undo knows what stood after its object at the moment it ran.
// Undos run last operation first, so each finds the kernel as its operation left it.
import { NlrouteError } from '../errors';
import { AF, type RouteRecord, type RuleRecord } from '../native';
import type { Request } from '../requests/queue';
import { routeCovers, sameRouteKey } from '../routes/identity';
import type { Route } from '../routes/types';
import { ruleCovers } from '../rules/identity';
import type { Rule } from '../rules/types';
import type { KernelView, Seen } from './kernel-view';
import { describeOperation, requestFor } from './verbs';
import type { OperationTape } from './operation-tape';
import type { Operation } from './types';
import { TimeSlice } from '../time-slice';

/** What undoing one applied operation takes. */
export interface Prior {
  route?: Seen<Route, RouteRecord>;
  rule?: Seen<Rule, RuleRecord>;
  /** Objects that stood after the taken one under its key, in kernel order. */
  after?: Array<RouteRecord | RuleRecord>;
}

type RouteList = Seen<Route, RouteRecord>[];

/** Replays the operations against the kernel's lists; one Prior per operation that takes something away. */
export async function readPriors(ops: OperationTape, requests: Request[], view: KernelView): Promise<Prior[]> {
  const routeLists = new Map<RouteList, RouteList>(); // the view's list -> our working copy
  const ruleLists = new Map<number, Seen<Rule, RuleRecord>[]>();
  const routesAt = async (record: RouteRecord) => {
    const listed = await view.routesAt(record);
    let copy = routeLists.get(listed);
    if (!copy) routeLists.set(listed, (copy = [...listed]));
    return copy;
  };
  const rulesOf = async (record: RuleRecord) => {
    const family = record.family === AF.INET6 ? 6 : 4;
    let copy = ruleLists.get(family);
    if (!copy) ruleLists.set(family, (copy = [...(await view.rules(record))]));
    return copy;
  };
  const priors: Prior[] = [];
  const slice = new TimeSlice();
  for (let i = 0; i < ops.size; i++) {
    const pause = slice.pause();
    if (pause) await pause;
    const op = ops.at(i);
    const request = requests[i];
    if (op.object === 'route') {
      const record = request.record as RouteRecord;
      const here = await routesAt(record);
      const seen = { object: undefined as unknown as Route, record };
      const firstOfKey = here.findIndex((r) => sameRouteKey(r.record, record));
      switch (op.verb) {
        case 'replace':
        case 'change': {
          if (firstOfKey >= 0) {
            priors[i] = { route: here[firstOfKey] };
            here[firstOfKey] = seen;
          } else if (op.verb === 'replace') {
            here.push(seen);
          }
          break;
        }
        case 'delete':
        case 'remove': {
          const at = here.findIndex((r) => routeCovers(r.record, record));
          if (at < 0) break;
          const taken = here[at];
          const after = here
            .slice(at + 1)
            .filter((r) => sameRouteKey(r.record, taken.record))
            .map((r) => r.record);
          priors[i] = { route: taken, after };
          here.splice(at, 1);
          break;
        }
        case 'append':
          here.push(seen);
          break;
        default: // add, ensure, prepend: before the others of its key
          if (firstOfKey >= 0) here.splice(firstOfKey, 0, seen);
          else here.push(seen);
      }
    } else {
      const record = request.record as RuleRecord;
      const list = await rulesOf(record);
      if (op.verb === 'delete' || op.verb === 'remove') {
        const at = list.findIndex((r) => ruleCovers(r.record, record));
        if (at < 0) continue;
        const taken = list[at];
        const after = list
          .slice(at + 1)
          .filter((r) => r.record.priority === taken.record.priority)
          .map((r) => r.record);
        priors[i] = { rule: taken, after };
        list.splice(at, 1);
      } else {
        const priority = record.priority ?? 0;
        let at = list.findIndex((r) => (r.record.priority ?? 0) > priority);
        if (at < 0) at = list.length;
        list.splice(at, 0, { object: undefined as unknown as Rule, record });
      }
    }
  }
  return priors;
}

/** The requests that take an applied operation back, in the order to send them. */
export function undoOf(op: Operation, request: Request, prior: Prior | undefined): Request[] {
  if (op.object === 'rule') {
    if (!request.head.remove) return [requestFor('rule', 'delete', request.record as RuleRecord)];
    if (!prior?.rule) throw new NlrouteError(`${describeOperation(op).operation}: the deleted rule was not found beforehand`);
    return putBack('rule', prior.rule.record, prior.after as RuleRecord[]);
  }
  const record = request.record as RouteRecord;
  switch (op.verb) {
    case 'add':
    case 'ensure':
    case 'append':
    case 'prepend':
      return [requestFor('route', 'delete', record)];
    case 'replace':
      return [prior?.route ? requestFor('route', 'replace', prior.route.record) : requestFor('route', 'delete', record)];
    case 'change':
      return [requestFor('route', 'change', prior!.route!.record)];
    default: {
      if (!prior?.route) throw new NlrouteError(`${describeOperation(op).operation}: the deleted route was not found beforehand`);
      const removed = prior.route.record;
      // IPv6: a delete with a gateway took one hop of a multipath route; replacing the
      // route with what it was puts the hop back in its place.
      if (record.family === AF.INET6) {
        return [requestFor('route', record.gateway !== undefined && removed.nexthops ? 'replace' : 'append', removed)];
      }
      return putBack('route', removed, prior.after as RouteRecord[]);
    }
  }
}

/**
 * Puts `removed` back before `after` (the objects that followed it under its key):
 * they are taken out, it is added at the end of its key, and they are added back.
 */
function putBack(object: 'rule', removed: RuleRecord, after: RuleRecord[] | undefined): Request[];
function putBack(object: 'route', removed: RouteRecord, after: RouteRecord[] | undefined): Request[];
function putBack(object: 'rule' | 'route', removed: RuleRecord | RouteRecord, after: Array<RuleRecord | RouteRecord> = []): Request[] {
  const add = (record: RuleRecord | RouteRecord) =>
    object === 'rule' ? requestFor('rule', 'add', record as RuleRecord) : requestFor('route', 'append', record as RouteRecord);
  const remove = (record: RuleRecord | RouteRecord) =>
    object === 'rule' ? requestFor('rule', 'delete', record as RuleRecord) : requestFor('route', 'delete', record as RouteRecord);
  return [...after.map(remove), add(removed), ...after.map(add)];
}

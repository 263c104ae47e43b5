// Reading back what the kernel holds, for the two moments a batch needs it: before a
// rollback-mode batch (the objects a replace, change or delete would take away, so
// they can be put back) and after a lost ACK (was the operation applied?). Only the
// tables and families the operations touch are read, each once.
import type { HandleCore } from '../core';
import { AF, type RouteRecord, type RuleRecord } from '../native';
import { routeToRecord } from '../routes/to-record';
import type { Route } from '../routes/types';
import { ruleToRecord } from '../rules/to-record';
import type { Rule } from '../rules/types';

/** A listed object with its record, as an add of it would send it. */
export interface Seen<T, R> {
  object: T;
  record: R;
}

export class KernelView {
  // Per family and table, the listed routes grouped by destination (kernel order kept).
  private readonly routeTables = new Map<string, Promise<Map<string, Seen<Route, RouteRecord>[]>>>();
  private readonly ruleFamilies = new Map<number, Promise<Seen<Rule, RuleRecord>[]>>();

  constructor(
    private readonly core: HandleCore,
    private readonly listRoutes: (family: 4 | 6, table: number) => Promise<Route[]>,
    private readonly listRules: (family: 4 | 6) => Promise<Rule[]>,
  ) {}

  /** The routes of the record's table and family with the record's destination, in kernel order. */
  async routesAt(record: RouteRecord): Promise<Seen<Route, RouteRecord>[]> {
    const family = record.family === AF.INET6 ? 6 : 4;
    const table = record.table ?? 254;
    const key = `${family}/${table}`;
    let listed = this.routeTables.get(key);
    if (!listed) {
      listed = this.listRoutes(family, table).then((routes) => {
        const byDestination = new Map<string, Seen<Route, RouteRecord>[]>();
        for (const seen of convertible(routes, (route) => routeToRecord(route, 'add', this.core))) {
          const at = destinationOf(seen.record);
          const here = byDestination.get(at);
          if (here) here.push(seen);
          else byDestination.set(at, [seen]);
        }
        return byDestination;
      });
      this.routeTables.set(key, listed);
    }
    return (await listed).get(destinationOf(record)) ?? [];
  }

  async rules(record: RuleRecord): Promise<Seen<Rule, RuleRecord>[]> {
    const family = record.family === AF.INET6 ? 6 : 4;
    let listed = this.ruleFamilies.get(family);
    if (!listed) {
      listed = this.listRules(family).then((rules) => convertible(rules, (rule) => ruleToRecord(rule, 'add', this.core.names)));
      this.ruleFamilies.set(family, listed);
    }
    return listed;
  }
}

function destinationOf(r: RouteRecord): string {
  return `${r.dst ?? ''}/${r.dstLen ?? 0}`;
}

/** Each listed object with its record; one that cannot be expressed as an add is left out. */
function convertible<T, R>(objects: T[], toRecord: (object: T) => R): Seen<T, R>[] {
  const out: Seen<T, R>[] = [];
  for (const object of objects) {
    try {
      out.push({ object, record: toRecord(object) });
    } catch {
      // e.g. a kernel route of a type nlroute does not model; no batch can have made it
    }
  }
  return out;
}

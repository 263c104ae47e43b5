// handle.routes: add, replace, change, append, prepend, test, delete, list, flush
// and get routes, like `ip route`.
import { plainSpec } from '../plain';
import type { Turn } from '../sequencer';
import type { CallOptions } from '../abort';
import { constants as os } from 'node:os';

import { parseAddress, parseDestination, parsePrefix } from '../address';
import type { HandleCore } from '../core';
import { FlushError, KERNEL_REFUSES, NetlinkError, ValidationError } from '../errors';
import { AF, NLM_F, type AbortToken, type NativeOutcome, type RoutePack, type RouteFilterRecord, type RouteRecord } from '../native';
import type { RequestHead } from '../requests/pack-writer';
import { sharedHead } from '../requests/heads';
import { boolean, integer, numberOrName, plainOptions, U16, U32, U8 } from '../validate';
import { ROUTE_FIELD_OF_ATTRIBUTE, ROUTE_TYPE_CODES, RT_TABLE, RTM_F } from './codes';
import { describeRoute } from './describe';
import {
  DEVICE_GONE_CODES,
  deviceIndex,
  deviceNamesOf,
  learnDevices,
  routeToRecord,
  usesUnknownDevice,
  routeType,
  type RoutePurpose,
} from './to-record';
import type { Route, RouteFilter, RouteGetOptions, RouteScope, RouteSpec } from './types';
import { routeIdentities, routeIdentity, routeMetric } from './identity';
import {
  readDesired,
  readReconcileOptions,
  readScope,
  reconcile,
  type NewBatch,
  type ReconcileOptions,
  type ReconcileResult,
} from '../reconcile';
import { packedDevices, unpackRoutes } from './unpack';

const FILTER_KEYS = new Set([
  'family',
  'table',
  'protocol',
  'proto',
  'type',
  'dev',
  'dst',
  'root',
  'match',
  'via',
  'src',
  'metric',
  'scope',
  'tos',
  'missingTable',
]);
const GET_KEYS = new Set(['from', 'iif', 'oif', 'mark', 'uid', 'ipproto', 'sport', 'dport', 'tos', 'fibmatch', 'table']);

type RouteCommand = 'add' | 'replace' | 'change' | 'append' | 'prepend' | 'delete';
const ROUTE_OPERATIONS: Readonly<Record<RouteCommand, string>> = {
  add: 'route add',
  replace: 'route replace',
  change: 'route change',
  append: 'route append',
  prepend: 'route prepend',
  delete: 'route delete',
};

export class Routes {
  constructor(
    private readonly core: HandleCore,
    private readonly newBatch: NewBatch,
  ) {}

  /** `ip route add`: EEXIST when a route with the same key (prefix, tos, metric, table) exists. */
  add(route: RouteSpec): Promise<void> {
    return this.modify('add', 'add', route, NLM_F.CREATE | NLM_F.EXCL);
  }

  /** `ip route replace`: replaces the first route with the same key, or adds it. */
  replace(route: RouteSpec): Promise<void> {
    return this.modify('replace', 'add', route, NLM_F.CREATE | NLM_F.REPLACE);
  }

  /** `ip route change`: replaces the first route with the same key; ENOENT when there is none. */
  change(route: RouteSpec): Promise<void> {
    return this.modify('change', 'add', route, NLM_F.REPLACE);
  }

  /**
   * `ip route append`: adds another route with the same key, after the existing ones.
   * IPv6 joins it to an existing gateway route as a multipath sibling.
   */
  append(route: RouteSpec): Promise<void> {
    return this.modify('append', 'add', route, NLM_F.CREATE | NLM_F.APPEND);
  }

  /** `ip route prepend`: adds another route with the same key, before the existing ones (IPv4). */
  prepend(route: RouteSpec): Promise<void> {
    return this.modify('prepend', 'add', route, NLM_F.CREATE);
  }

  /**
   * `ip route test`: asks the kernel whether a route with this key exists, by sending
   * an exclusive add without create. true: it exists (EEXIST); false: it does not (ENOENT).
   * IPv4 only: the IPv6 kernel creates the route even without NLM_F_CREATE.
   */
  async test(route: RouteSpec): Promise<boolean> {
    const operation = 'route test';
    return this.core.run(operation, async (turn) => {
      route = plainSpec<RouteSpec>('route', route);
      await learnDevices([route], this.core.links);
      const record = routeToRecord(route, 'add', this.core);
      if (record.family === AF.INET6) {
        throw new ValidationError('family', 6, 'route test works for IPv4 only: the IPv6 kernel would add the route');
      }
      const outcome = await turn.send(() =>
        this.core.requests.one({ head: { object: 'route', remove: false, flags: NLM_F.EXCL }, record }),
      );
      if (outcome?.errno === os.errno.EEXIST) return true;
      if (outcome?.errno === os.errno.ENOENT) return false;
      throw (
        this.core.toError(outcome, operation, describeRoute(route), ROUTE_FIELD_OF_ATTRIBUTE) ??
        new NetlinkError({
          errno: os.errno.EPROTO,
          operation,
          request: describeRoute(route),
          hint: 'the kernel accepted a request without NLM_F_CREATE',
        })
      );
    });
  }

  /**
   * `ip route del`: removes the first route that matches every field given. IPv4
   * matches any scope, protocol and type unless they are given; IPv6 ignores type.
   * ESRCH when nothing matches. A route from `list()` deletes exactly itself.
   */
  delete(match: RouteSpec): Promise<void> {
    return this.modify('delete', 'delete', match, 0);
  }

  /**
   * `ip route show`: the routes of the main table (both families) unless the filter
   * names a table (`'all'` for every table, local included). Cached clones are never
   * listed. A table that does not exist lists as empty.
   */
  async list(filter: RouteFilter = {}, options?: CallOptions): Promise<Route[]> {
    return this.core.runAbortable('route list', options, (turn, token) => this.listed(filter, turn, token));
  }

  /**
   * `ip route flush`: deletes every route the filter selects (main table unless it
   * names one), pipelined. Resolves to the number deleted.
   */
  async flush(filter: RouteFilter, options?: CallOptions): Promise<number> {
    const operation = 'route flush';
    return this.core.runAbortable(operation, options, async (turn, token) => {
      if (filter === undefined) {
        throw new ValidationError('filter', filter, 'flush needs a filter, as ip route flush does ({} flushes the main table)');
      }
      const record = await this.selector(filter);
      const reply = await turn.send(() => this.core.direct().routeFlush(record, token));
      if ('error' in reply) throw this.core.failure(reply.error, operation, describeRoute(filter));
      const failed = reply.outcomes.some((o) => o !== null && o.errno !== 0);
      if (!failed) return reply.outcomes.length;
      const routes = await this.unpack(reply.routes);
      const failures: NetlinkError[] = [];
      reply.outcomes.forEach((outcome, i) => {
        const error = this.core.toError(outcome, 'route delete', describeRoute(routes[i]), ROUTE_FIELD_OF_ATTRIBUTE);
        if (error) failures.push(error);
      });
      throw new FlushError(operation, reply.outcomes.length - failures.length, failures);
    });
  }

  /**
   * `ip route get ADDRESS`: the route the kernel would use, with the table it came
   * from. IPv4 lookups with `iif` need `from` and forwarding on that device.
   */
  async get(address: string, given?: RouteGetOptions): Promise<Route> {
    const operation = 'route get';
    return this.core.run(operation, async (turn) => {
      if (typeof address !== 'string') throw new ValidationError('address', address, 'expected an address');
      const options = plainOptions('route get options', given, [...GET_KEYS]) as RouteGetOptions;
      const request = `${address}${describeGet(options)}`;
      if (options?.table !== undefined) {
        const other = Object.keys(options).find((k) => k !== 'table' && options[k as keyof RouteGetOptions] !== undefined);
        if (other)
          throw new ValidationError(other, options[other as keyof RouteGetOptions], 'a lookup in one table takes no other options');
      }
      const query = await this.getQuery(address, options);
      if (options.table !== undefined) return this.tableLookup(address, query, options.table, request, turn);
      const reply = await turn.send(() => this.core.direct().routeGet(query));
      if ('error' in reply) {
        const error = this.core.failure(reply.error, operation, request, ROUTE_FIELD_OF_ATTRIBUTE);
        if (error.errno === os.errno.EHOSTUNREACH && options.iif !== undefined && query.family === AF.INET) {
          throw new NetlinkError({
            errno: error.errno,
            operation,
            request,
            extack: error.extack,
            hint: `an IPv4 lookup as if arriving on ${options.iif} needs forwarding enabled on it (net.ipv4.conf.<dev>.forwarding=1)`,
          });
        }
        throw error;
      }
      const [route] = await this.unpack(reply);
      // IPv6 answers carry `from ::/128` when no source was given: the query's, not the
      // route's, so it is kept apart (a `from` would make the answer a source route).
      if (options.from === undefined && route.from !== undefined) {
        route.lookupFrom = route.from;
        delete route.from;
      }
      return route;
    });
  }

  /**
   * Makes the routes in `scope` exactly `desired`: adds what is missing, deletes what
   * is not desired, leaves the rest, and touches nothing outside the scope (a desired
   * route outside it is a ValidationError). A second reconcile to the same set sends
   * nothing.
   */
  async reconcile(scope: RouteScope, desired: RouteSpec[], options?: ReconcileOptions<Route>): Promise<ReconcileResult<Route, RouteSpec>> {
    const { call, owns } = readReconcileOptions<Route>(options);
    return this.core.runAbortable('route reconcile', call, async (turn, token) => {
      scope = readScope<RouteScope>(scope);
      desired = readDesired<RouteSpec>(desired);
      for (const [key, value] of Object.entries(scope)) {
        if (value !== undefined && !SCOPE_KEYS.has(key))
          throw new ValidationError(key, value, `a route reconcile scope can use ${[...SCOPE_KEYS].join(', ')}`);
      }
      if (scope.table === 'all') throw new ValidationError('table', 'all', 'a reconcile scope names one table');
      const selector = await this.selector(scope);
      await learnDevices(desired, this.core.links);
      const records = new Map<RouteSpec, RouteRecord>();
      const recordOf = (spec: RouteSpec) => {
        let record = records.get(spec);
        if (!record) records.set(spec, (record = routeToRecord(spec, 'add', this.core)));
        return record;
      };
      return reconcile<Route, RouteSpec>(
        {
          current: (await this.listed(scope, turn, token)).filter((route) => owns === undefined || owns(route)),
          desired,
          identitiesOfCurrent: (route) => routeIdentities(routeToRecord(route, 'add', this.core)),
          identityOfDesired: (spec) => routeIdentity(recordOf(spec)),
          checkInScope: (spec, i) => {
            const outside = outsideScope(recordOf(spec), selector);
            if (outside)
              throw new ValidationError(
                `desired[${i}].${outside}`,
                (spec as Record<string, unknown>)[outside],
                'lies outside the reconcile scope',
              );
          },
          remove: (batch, route) => batch.routes.delete(route),
          add: (batch, spec) => batch.routes.add(spec),
        },
        this.newBatch,
        call.signal as AbortSignal | undefined,
      );
    });
  }

  private modify(command: RouteCommand, purpose: RoutePurpose, spec: RouteSpec, flags: number): Promise<void> {
    // What a call keeps until its answer is what these closures share: the name and the
    // head are shared by all calls, the record is packed at once (see core.change()).
    const operation = ROUTE_OPERATIONS[command];
    const head = sharedHead('route', purpose === 'delete', flags);
    let builtAt = 0; // the device names' generation the record was built with
    return this.core.change(
      operation,
      () => {
        spec = plainSpec<RouteSpec>('route', spec);
        if (usesUnknownDevice(spec, this.core.links)) {
          return this.core.links.refresh().then(() => {
            builtAt = this.core.links.generation();
            return { head, record: routeToRecord(spec, purpose, this.core) };
          });
        }
        builtAt = this.core.links.generation();
        return { head, record: routeToRecord(spec, purpose, this.core) };
      },
      (outcome) => this.failed(operation, purpose, spec, head, outcome, builtAt),
    );
  }

  /** A change's answer other than plain success: a warning, a retry, or the error it throws. */
  private async failed(
    operation: string,
    purpose: RoutePurpose,
    spec: RouteSpec,
    head: RequestHead,
    first: NativeOutcome,
    builtAt: number,
  ): Promise<void> {
    let error = this.core.toError(first, operation, () => describeRoute(spec), ROUTE_FIELD_OF_ATTRIBUTE);
    if (error && DEVICE_GONE_CODES.has(error.code) && (await this.core.links.moved(deviceNamesOf(spec), builtAt))) {
      // A device it names was made again under the same name: once more, with its new index.
      const outcome = await this.core.requests.one({ head, record: routeToRecord(spec, purpose, this.core) });
      error = this.core.toError(outcome, operation, () => describeRoute(spec), ROUTE_FIELD_OF_ATTRIBUTE);
    }
    if (error && DEVICE_GONE_CODES.has(error.code)) {
      // Or it went away since it was cached: say which (the cache was just re-read).
      const fields: Array<[string, unknown]> = [
        ['dev', spec.dev],
        ...(spec.nexthops ?? []).map((hop, i): [string, unknown] => [`nexthops[${i}].dev`, hop?.dev]),
      ];
      const gone = fields.find(([, name]) => typeof name === 'string' && this.core.links.cachedIndex(name) === undefined);
      if (gone) throw new ValidationError(gone[0], gone[1], 'no such device in this namespace (it went away)');
    }
    if (error) throw error;
  }

  /** @internal list() without the open-handle bookkeeping, for other operations' use. */
  async listed(filter: RouteFilter, turn?: Turn, token?: AbortToken): Promise<Route[]> {
    const record = await this.selector(filter);
    const dump = () => this.core.direct().routeDump(record, token);
    const reply = await (turn ? turn.send(dump) : dump());
    if ('error' in reply) throw this.core.failure(reply.error, 'route list', describeRoute(filter));
    return this.unpack(reply);
  }

  private async unpack(pack: RoutePack): Promise<Route[]> {
    const links = this.core.links;
    await links.learn(packedDevices(pack));
    return unpackRoutes(pack, (index) => links.nameOf(index) ?? index);
  }

  /** @internal what list() asks the native side for. */
  async selector(filter: RouteFilter): Promise<RouteFilterRecord> {
    if (filter === null || typeof filter !== 'object') throw new ValidationError('filter', filter, 'expected an object');
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined && !FILTER_KEYS.has(key)) throw new ValidationError(key, value, 'unknown route filter field');
    }
    const names = this.core.names;
    const record: RouteFilterRecord = {};
    let family = filter.family;
    if (family !== undefined && family !== 4 && family !== 6) throw new ValidationError('family', family, 'must be 4 or 6');

    const prefixes = (['dst', 'root', 'match'] as const).filter((k) => filter[k] !== undefined);
    if (prefixes.length > 1) throw new ValidationError(prefixes[1], filter[prefixes[1]], `cannot be combined with ${prefixes[0]}`);
    if (prefixes.length === 1) {
      const key = prefixes[0];
      const dst = parseDestination(key, filter[key]);
      if (dst.family !== undefined && family !== undefined && dst.family !== family) {
        throw new ValidationError(key, filter[key], `is IPv${dst.family} but family says IPv${family}`);
      }
      family ??= dst.family;
      record.dst = dst.address ?? (family === 6 ? '::' : '0.0.0.0');
      record.dstLen = dst.length;
      record.dstMatch = key === 'dst' ? 'exact' : key;
    }
    if (filter.via !== undefined) record.gateway = parseAddress('via', filter.via).address;
    if (filter.src !== undefined) record.prefsrc = parseAddress('src', filter.src).address;
    if (family !== undefined) record.family = family === 6 ? AF.INET6 : AF.INET;

    if (filter.table === undefined) record.table = RT_TABLE.MAIN;
    else if (filter.table !== 'all') record.table = numberOrName('table', filter.table, names.tables, U32, 'table');
    const protocol = filter.protocol ?? (filter as { proto?: unknown }).proto;
    if (protocol !== undefined) record.protocol = numberOrName('protocol', protocol, names.protocols, U8, 'protocol');
    const type = routeType(filter.type);
    if (type !== undefined) record.type = ROUTE_TYPE_CODES[type];
    if (filter.dev !== undefined) record.oif = await deviceIndex('dev', filter.dev, this.core.links);
    if (filter.metric !== undefined) record.priority = integer('metric', filter.metric, 0, U32);
    if (filter.scope !== undefined) record.scope = numberOrName('scope', filter.scope, names.scopes, U8, 'scope');
    if (filter.tos !== undefined) record.tos = numberOrName('tos', filter.tos, names.dsfields, U8, 'dsfield');
    if (filter.missingTable !== undefined && filter.missingTable !== 'empty') {
      if (filter.missingTable !== 'error') throw new ValidationError('missingTable', filter.missingTable, "must be 'empty' or 'error'");
      record.missingTableIsError = true;
    }
    return record;
  }

  private async getQuery(address: string, options: RouteGetOptions): Promise<RouteRecord> {
    const dst = parseAddress('address', address);
    const v6 = dst.family === 6;
    // The kernel reports the table a route came from only when asked (IPv4); the
    // IPv6 strict check refuses that flag, and IPv6 always reports the table.
    let flags = v6 ? 0 : RTM_F.LOOKUP_TABLE;
    if (options.fibmatch !== undefined && boolean('fibmatch', options.fibmatch)) flags |= RTM_F.FIB_MATCH;
    const query: RouteRecord = { family: v6 ? AF.INET6 : AF.INET, dst: dst.address, dstLen: v6 ? 128 : 32, flags };
    if (options.from !== undefined) {
      const from = parseAddress('from', options.from);
      if (from.family !== dst.family)
        throw new ValidationError('from', options.from, `is IPv${from.family} but the address is IPv${dst.family}`);
      Object.assign(query, { src: from.address, srcLen: query.dstLen });
    }
    const links = this.core.links;
    if (options.iif !== undefined) {
      if (!v6 && options.from === undefined) {
        throw new ValidationError(
          'from',
          undefined,
          'an IPv4 lookup with iif needs a source address (the kernel answers EINVAL without one)',
          KERNEL_REFUSES,
        );
      }
      query.iif = await deviceIndex('iif', options.iif, links);
    }
    if (options.oif !== undefined) query.oif = await deviceIndex('oif', options.oif, links);
    if (options.mark !== undefined) query.mark = integer('mark', options.mark, 0, U32);
    if (options.uid !== undefined) query.uid = integer('uid', options.uid, 0, U32);
    if (options.ipproto !== undefined)
      query.ipProto = numberOrName('ipproto', options.ipproto, this.core.names.ipProtocols, U8, 'IP protocol');
    if (options.sport !== undefined) query.sport = integer('sport', options.sport, 0, U16);
    if (options.dport !== undefined) query.dport = integer('dport', options.dport, 0, U16);
    // A lookup takes any TOS byte, ECN bits and IPv6 traffic class included, as `ip route
    // get` does: rules with tos/dsfield match on it. Only a route's own TOS is restricted.
    if (options.tos !== undefined) query.tos = numberOrName('tos', options.tos, this.core.names.dsfields, U8, 'dsfield');
    return query;
  }

  /** `get(address, { table })`: the longest prefix in that table containing the address, lowest metric first. */
  private async tableLookup(address: string, query: RouteRecord, table: number | string, request: string, turn: Turn): Promise<Route> {
    const family = query.family === AF.INET6 ? 6 : 4;
    const candidates = await this.listed({ family, table, match: address }, turn);
    const length = (r: Route) => (r.dst === 'default' ? 0 : parsePrefix('dst', r.dst).length);
    candidates.sort((a, b) => length(b) - length(a) || (a.metric ?? 0) - (b.metric ?? 0));
    if (candidates.length === 0) {
      throw new NetlinkError({
        errno: os.errno.ENETUNREACH,
        operation: 'route get',
        request,
        hint: `no route in table ${table} contains ${address}`,
      });
    }
    return candidates[0];
  }
}

const SCOPE_KEYS = new Set(['family', 'table', 'protocol', 'proto', 'type', 'dev', 'metric', 'scope']);

/** The first field in which a route (as an add sends it) falls outside a scope's selector. */
function outsideScope(r: RouteRecord, s: RouteFilterRecord): string | undefined {
  if (s.family !== undefined && r.family !== s.family) return 'family';
  if (s.table !== undefined && r.table !== s.table) return 'table';
  if (s.protocol !== undefined && r.protocol !== s.protocol) return 'protocol';
  if (s.type !== undefined && r.type !== s.type) return 'type';
  if (s.oif !== undefined && r.oif !== s.oif && !r.nexthops?.some((h) => h.ifindex === s.oif)) return 'dev';
  if (s.priority !== undefined && routeMetric(r) !== s.priority) return 'metric';
  if (s.scope !== undefined && r.scope !== s.scope) return 'scope';
  return undefined;
}

function describeGet(options: RouteGetOptions): string {
  const words = Object.entries(options ?? {})
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? k : `${k} ${v}`));
  return words.length ? ` ${words.join(' ')}` : '';
}

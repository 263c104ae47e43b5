// The compiled addon and the shapes of what crosses the boundary. Everything in
// here is numeric and already validated; names and friendliness live above it.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PACKAGE_ROOT } from './package-root';

/** A rule in the kernel's terms (see native/addon/rule_convert.cc). */
export interface RuleRecord {
  family?: number;
  src?: string;
  srcLen?: number;
  dst?: string;
  dstLen?: number;
  tos?: number;
  invert?: boolean;
  /** Output only: all fib_rule_hdr flags (INVERT, UNRESOLVED, IIF/OIF_DETACHED). */
  flags?: number;
  action?: number;
  priority?: number;
  table?: number;
  fwmark?: number;
  fwmask?: number;
  iifname?: string;
  oifname?: string;
  goto?: number;
  flow?: number;
  suppressPrefixlen?: number;
  suppressIfgroup?: number;
  tunId?: bigint;
  l3mdev?: number;
  protocol?: number;
  ipProto?: number;
  sport?: [number, number];
  dport?: [number, number];
  uidRange?: [number, number];
  dscp?: number;
  flowlabel?: number;
  flowlabelMask?: number;
  natGateway?: string;
}

/** A route in the kernel's terms (see native/addon/route_convert.cc): header values and attributes. */
export interface RouteRecord {
  family: number;
  dstLen?: number;
  srcLen?: number;
  tos?: number;
  table?: number;
  protocol?: number;
  scope?: number;
  type?: number;
  flags?: number;
  dst?: string;
  src?: string;
  prefsrc?: string;
  gateway?: string;
  /** Set when `gateway` is of the other family and goes in RTA_VIA. */
  viaFamily?: number;
  oif?: number;
  iif?: number;
  priority?: number;
  flow?: number;
  pref?: number;
  expires?: number;
  nhid?: number;
  mark?: number;
  uid?: number;
  ipProto?: number;
  sport?: number;
  dport?: number;
  metrics?: MetricsRecord;
  nexthops?: NexthopRecord[];
}

export interface MetricsRecord {
  /** [RTAX slot, value] pairs. */
  values: Array<[number, number]>;
  congctl?: string;
  /** RTAX_LOCK: bit n locks slot n. */
  lock?: number;
}

export interface NexthopRecord {
  flags?: number;
  /** weight - 1 */
  hops?: number;
  ifindex?: number;
  gateway?: string;
  viaFamily?: number;
  flow?: number;
}

/** What a route listing selects on (see route_filter_from_js). */
export interface RouteFilterRecord {
  family?: number;
  table?: number;
  protocol?: number;
  type?: number;
  oif?: number;
  dst?: string;
  dstLen?: number;
  dstMatch?: 'exact' | 'root' | 'match';
  gateway?: string;
  prefsrc?: string;
  priority?: number;
  scope?: number;
  tos?: number;
  /** Report ENOENT for a table that does not exist instead of an empty listing. */
  missingTableIsError?: boolean;
}

/** Routes packed by native/addon/route_pack.h; lib/routes/unpack.ts reads them. */
export interface RoutePack {
  count: number;
  bytes: ArrayBuffer;
  /** latin1 address texts the records point into. */
  text: ArrayBuffer;
  extras: Array<Pick<RouteRecord, 'gateway' | 'viaFamily' | 'metrics' | 'nexthops' | 'flow' | 'expires' | 'nhid' | 'iif' | 'mark' | 'uid'>>;
}

export interface RequestOptions {
  /** One request per sendmsg, and none after the first failure (those are `skipped`). */
  stopAtFirstError?: boolean;
  /** Tests only: allow this many unacknowledged requests, to provoke ENOBUFS. */
  maxInFlight?: number;
}

/** Per request: its errno (0 success) and state; details only where there is more to say. */
export interface RequestsReply {
  codes: Int32Array;
  /** 0 done, 1 unknown (ACK lost), 2 not sent, 3 skipped */
  states: Uint8Array;
  details: Array<NativeOutcome & { index: number }>;
}

/** A failure (or a success with a kernel warning) as the addon reports it. */
export interface NativeOutcome {
  errno: number;
  state: 'done' | 'unknown' | 'not-sent' | 'skipped';
  extack?: string;
  syscall?: string;
  offset?: number;
  attribute?: string | number;
}

export interface OpenResult {
  errno?: number;
  syscall?: string;
  portId: number;
  extAck: boolean;
  capAck: boolean;
  strictCheck: boolean;
  rcvbuf: number;
  sndbuf: number;
  netnsDev: number;
  netnsInode: number;
}

export type Failed = { error: NativeOutcome };

/** Stops one native call early (see native/addon/abort_token.h). */
export interface AbortToken {
  abort(): void;
}

export interface NativeHandle {
  open(): Promise<OpenResult>;
  /** Null when every request simply succeeded (no errno, no warning). */
  requests(words: Uint32Array, text: string, sides: object[], options?: RequestOptions, token?: AbortToken): Promise<RequestsReply | null>;
  ruleDump(family: number, filter: RuleRecord | null, token?: AbortToken): Promise<{ rules: RuleRecord[] } | Failed>;
  ruleFlush(
    family: number,
    filter: RuleRecord | null,
    token?: AbortToken,
  ): Promise<{ rules: RuleRecord[]; outcomes: (NativeOutcome | null)[] } | Failed>;
  routeDump(filter: RouteFilterRecord | null, token?: AbortToken): Promise<RoutePack | Failed>;
  routeFlush(
    filter: RouteFilterRecord | null,
    token?: AbortToken,
  ): Promise<{ routes: RoutePack; outcomes: (NativeOutcome | null)[] } | Failed>;
  routeGet(query: RouteRecord, token?: AbortToken): Promise<RoutePack | Failed>;
  linkGet(nameOrIndex: string | number): Promise<{ index: number; name: string; address?: string } | null | Failed>;
  stats(): Promise<{ foreignDropped: number } | Failed>;
  linkDump(token?: AbortToken): Promise<{ links: Array<{ index: number; name: string; address?: string }> } | Failed>;
  close(): Promise<void>;
  /** A new descriptor of the socket's namespace (SIOCGSKNS); the caller closes it. */
  namespaceFd(): Promise<{ fd: number } | Failed>;
  /** Joins the groups of what is watched: a kind is watched when its key holds a filter. */
  subscribe(what: { rules?: RuleRecord; routes?: RouteFilterRecord; links: boolean }): Promise<object | Failed>;
  /** The next notifications (waits until there are some, or the token is aborted: ECANCELED). */
  notifications(token: AbortToken | undefined, keepAlive: boolean): Promise<WatchBatch | Failed>;
}

/** Notifications as native/addon/native_handle_watch.cc hands them over. */
export interface WatchBatch {
  /** Per notification, its kind (native/ops/notifications.h NotificationKind). */
  kinds: Uint8Array;
  /** Per notification: port id, sequence number, nlmsg_flags. */
  meta: Uint32Array;
  rules: RuleRecord[];
  routes: RoutePack;
  links: Array<{ index: number; name: string; address?: string }>;
  /** Some notifications were lost before the last of these (ENOBUFS). */
  overflow: boolean;
}

export interface NativeCodec {
  encodeRule(kind: 'add' | 'delete', nlmsgFlags: number, seq: number, record: RuleRecord): Buffer;
  encodeRuleDump(family: number, seq: number): Buffer;
  decodeRules(datagram: Buffer): (RuleRecord | null)[];
  ruleMatches(rule: RuleRecord, filter: RuleRecord): boolean;
  encodeRoute(kind: 'add' | 'delete' | 'get', nlmsgFlags: number, seq: number, record: RouteRecord): Buffer;
  encodeRouteDump(filter: RouteFilterRecord | null, seq: number): Buffer;
  decodeRoutes(datagram: Buffer, filter?: RouteFilterRecord | null): RoutePack;
  parseStatus(message: Buffer): { error: number; seq: number; message?: string; offset?: number } | null;
}

interface Addon {
  NativeHandle: new (options: { path?: string; fd?: number; rcvbuf?: number; timeoutMs?: number }) => NativeHandle;
  AbortToken: new () => AbortToken;
  codec: NativeCodec;
  /** [key, how it is carried] per field id (native/addon/record_fields.h). */
  recordFields: {
    rule: Array<[string, 'number' | 'flag' | 'address' | 'text' | 'pair' | 'wide']>;
    route: Array<[string, 'number' | 'flag' | 'address' | 'text' | 'pair' | 'wide']>;
  };
}

/**
 * The one place that decides which binary is loaded: NLROUTE_ADDON when it names
 * another build of the same sources (the sanitizer build of `npm run test:sanitize`),
 * else what node-gyp-build finds under the package root: a build from source
 * (build/Release) when there is one, else the prebuilt binary for this platform
 * (prebuilds/linux-x64/node.napi.glibc.node; one N-API binary serves every Node version).
 */
function loadAddon(): Addon {
  // A native addon is loaded at run time from a path, which only require() does.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const chosen = process.env.NLROUTE_ADDON;
  if (chosen) return require(path.resolve(chosen)) as Addon;
  const built = sourceBuild();
  if (built) return require(built) as Addon;
  const nodeGypBuild = require('node-gyp-build') as (root: string) => Addon;
  return nodeGypBuild(PACKAGE_ROOT);
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * build/Release/nlroute.node, when node-gyp-build would pick it: it looks there first
 * unless told to take prebuilt binaries only (PREBUILDS_ONLY) or another directory
 * (NLROUTE_PREBUILD). Found here, node-gyp-build is not loaded at all: loading it
 * and its search cost about 2.5 ms of every `nlroute` command's start-up.
 */
function sourceBuild(): string | undefined {
  if (process.env.PREBUILDS_ONLY || process.env.NLROUTE_PREBUILD) return undefined;
  const file = path.join(PACKAGE_ROOT, 'build', 'Release', 'nlroute.node');
  return fs.existsSync(file) ? file : undefined;
}

export const addon: Addon = loadAddon();

// nlmsg_flags of requests that create or change objects.
export const NLM_F = { REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400, APPEND: 0x800, ECHO: 0x08 } as const;
export const AF = { UNSPEC: 0, INET: 2, INET6: 10 } as const;

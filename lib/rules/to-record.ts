// RuleSpec (what people type) -> RuleRecord (what the native codec encodes).
// All validation happens here, before anything reaches the kernel.
import { FamilyAgreement, parseAddress, parsePrefix, type Family, type Prefix } from '../address';
import { ValidationError } from '../errors';
import { canonicalKeys, type SpecKeys } from '../spec-keys';
import { AF, type RuleRecord } from '../native';
import type { NameRegistry } from '../names/registry';
import { isOwnKey } from '../own';
import { boolean, deviceName, integer, numberOrName, range, realms, U16, U32, U8 } from '../validate';
import { ACTION_CODES } from './codes';
import type { RuleSpec } from './types';

export type RulePurpose = 'add' | 'delete' | 'filter';

const ALIASES: Record<string, keyof RuleSpec> = { pref: 'priority', lookup: 'table', dsfield: 'tos' };
// Read-only state that list() reports; accepted on input so a listed rule can be deleted as is.
const STATE_KEYS = new Set(['iifDetached', 'oifDetached', 'unresolved']);
const KNOWN_KEYS = new Set<string>([
  'family',
  'priority',
  'not',
  'from',
  'to',
  'tos',
  'dscp',
  'fwmark',
  'fwmask',
  'iif',
  'oif',
  'table',
  'action',
  'goto',
  'suppressPrefixlength',
  'suppressIfgroup',
  'uidrange',
  'ipproto',
  'sport',
  'dport',
  'l3mdev',
  'protocol',
  'realms',
  'tunId',
  'flowlabel',
  'flowlabelMask',
  'nat',
]);
const RULE_KEYS: SpecKeys = { object: 'rule', aliases: ALIASES, state: STATE_KEYS, known: KNOWN_KEYS };

export function ruleToRecord(input: RuleSpec, purpose: RulePurpose, names: NameRegistry): RuleRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError('rule', input, 'expected an object');
  }
  const spec = canonicalKeys(input, RULE_KEYS);
  const record: RuleRecord = {};
  const from = selectorPrefix('from', spec.from);
  const to = selectorPrefix('to', spec.to);
  const nat = spec.nat === undefined ? undefined : parseAddress('nat', spec.nat);
  const family = resolveFamily(spec, from, to, nat, purpose);
  if (family !== undefined) record.family = family === 6 ? AF.INET6 : AF.INET;

  setPrefix(record, 'src', from);
  setPrefix(record, 'dst', to);
  if (spec.priority !== undefined) record.priority = integer('priority', spec.priority, 0, U32);
  if (spec.not !== undefined) record.invert = boolean('not', spec.not);
  if (spec.tos !== undefined) record.tos = numberOrName('tos', spec.tos, names.dsfields, U8, 'dsfield');
  if (spec.dscp !== undefined) {
    if (spec.tos !== undefined) throw new ValidationError('dscp', spec.dscp, 'cannot be combined with tos');
    record.dscp = numberOrName('dscp', spec.dscp, names.dsfields, 63, 'dscp');
  }
  if (spec.fwmark !== undefined) record.fwmark = integer('fwmark', spec.fwmark, 0, U32);
  if (spec.fwmask !== undefined) record.fwmask = integer('fwmask', spec.fwmask, 0, U32);
  if (spec.iif !== undefined) record.iifname = deviceName('iif', spec.iif);
  if (spec.oif !== undefined) record.oifname = deviceName('oif', spec.oif);
  if (spec.table !== undefined) record.table = numberOrName('table', spec.table, names.tables, U32, 'table');
  if (spec.suppressPrefixlength !== undefined) {
    record.suppressPrefixlen = integer('suppressPrefixlength', spec.suppressPrefixlength, 0, U32 - 1);
  }
  if (spec.suppressIfgroup !== undefined) {
    record.suppressIfgroup = numberOrName('suppressIfgroup', spec.suppressIfgroup, names.groups, U32 - 1, 'group');
  }
  if (spec.uidrange !== undefined) record.uidRange = range('uidrange', spec.uidrange, U32);
  if (spec.ipproto !== undefined) record.ipProto = numberOrName('ipproto', spec.ipproto, names.ipProtocols, U8, 'IP protocol');
  if (spec.sport !== undefined) record.sport = range('sport', spec.sport, U16);
  if (spec.dport !== undefined) record.dport = range('dport', spec.dport, U16);
  if (spec.protocol !== undefined) record.protocol = numberOrName('protocol', spec.protocol, names.protocols, U8, 'protocol');
  if (spec.realms !== undefined) record.flow = realms('realms', spec.realms, names.realms);
  if (spec.tunId !== undefined) record.tunId = tunnelId(spec.tunId);
  if (spec.flowlabel !== undefined) record.flowlabel = integer('flowlabel', spec.flowlabel, 0, 0xfffff);
  if (spec.flowlabelMask !== undefined) record.flowlabelMask = integer('flowlabelMask', spec.flowlabelMask, 0, 0xfffff);
  if (spec.l3mdev !== undefined && boolean('l3mdev', spec.l3mdev)) record.l3mdev = 1;
  if (nat !== undefined) {
    if (nat.family !== 4) throw new ValidationError('nat', spec.nat, 'route NAT is IPv4 only');
    record.natGateway = nat.address;
  }
  setAction(record, spec, purpose);
  return record;
}

const ALL = new Set(['all', 'any', 'default']);

/** A parsed from/to: not given, 'all' (length 0), or a prefix. */
type Selector = Prefix | 'all' | undefined;

function selectorPrefix(field: string, value: string | undefined): Selector {
  if (value === undefined) return undefined;
  if (ALL.has(value)) return 'all';
  const prefix = parsePrefix(field, value);
  return prefix.length === 0 ? 'all' : prefix;
}

function resolveFamily(
  spec: RuleSpec,
  from: Selector,
  to: Selector,
  nat: { family: Family } | undefined,
  purpose: RulePurpose,
): Family | undefined {
  const familyOf = (parsed: Selector | { family: Family }) => (parsed === undefined || parsed === 'all' ? undefined : parsed.family);
  let family = new FamilyAgreement(spec.family)
    .address('from', spec.from, familyOf(from))
    .address('to', spec.to, familyOf(to))
    .address('nat', spec.nat, nat?.family).family;
  if (spec.flowlabel !== undefined || spec.flowlabelMask !== undefined) {
    if (family === 4) throw new ValidationError('flowlabel', spec.flowlabel ?? spec.flowlabelMask, 'is IPv6 only');
    family = 6;
  }
  // Like `ip rule`: IPv4 unless something says otherwise. A filter without a family matches both.
  if (family === undefined && purpose !== 'filter') family = 4;
  return family;
}

function setPrefix(record: RuleRecord, key: 'src' | 'dst', prefix: Selector) {
  if (prefix === undefined) return;
  const lenKey = key === 'src' ? 'srcLen' : 'dstLen';
  if (prefix === 'all') {
    record[lenKey] = 0; // "from all": only meaningful as a filter; adds and deletes send nothing
    return;
  }
  record[key] = prefix.address;
  record[lenKey] = prefix.length;
}

function setAction(record: RuleRecord, spec: RuleSpec, purpose: RulePurpose) {
  let action = spec.action;
  if (action !== undefined && !isOwnKey(ACTION_CODES, action)) {
    throw new ValidationError('action', action, `must be one of ${Object.keys(ACTION_CODES).join(', ')}`);
  }
  if (spec.goto !== undefined) {
    if (action !== undefined && action !== 'goto') throw new ValidationError('goto', spec.goto, `conflicts with action ${action}`);
    action = 'goto';
    record.goto = integer('goto', spec.goto, 0, U32);
  } else if (action === 'goto' && purpose === 'add') {
    throw new ValidationError('goto', undefined, 'action goto needs a goto target priority');
  }
  if (spec.nat !== undefined) {
    if (action !== undefined && action !== 'nat') throw new ValidationError('nat', spec.nat, `conflicts with action ${action}`);
    action = 'nat';
    if (purpose === 'add') process.emitWarning('route NAT is deprecated', { code: 'NLROUTE_NAT_DEPRECATED' });
  }
  if (record.l3mdev !== undefined && record.table !== undefined) {
    throw new ValidationError('table', spec.table, 'l3mdev and table are mutually exclusive');
  }
  if (purpose === 'add') {
    // iproute2: every add is TO_TBL unless a type keyword, goto, nop or l3mdev says
    // otherwise, and a lookup (or nat) without a table looks up main.
    action ??= 'lookup';
    if ((action === 'lookup' || action === 'nat') && record.l3mdev === undefined && record.table === undefined) {
      record.table = 254;
    }
  }
  if (action !== undefined) record.action = ACTION_CODES[action];
}

function tunnelId(value: unknown): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value <= 0xffffffffffffffffn) return value;
  throw new ValidationError('tunId', value, 'expected an unsigned 64-bit integer');
}

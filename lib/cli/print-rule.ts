// `ip rule show` output, text and JSON, field for field in iproute2 6.x's order.
import type { Rule } from '../rules/types';
import { hex, splitPrefix, type PrintStyle } from './print-style';
import type { Output } from './output';

const RTPROT_KERNEL = 2;
const NO_SUPPRESSION = 0xffffffff; // the kernel reports -1 for "not set"

export function printRule(out: Output, rule: Rule, style: PrintStyle): void {
  // Text is "PRIO:\t" and then words joined by single spaces.
  const words: string[] = [];
  const field = (key: string, value: string | number | bigint | null, text: string) => {
    out.field(key, value, undefined);
    words.push(text);
  };
  out.object(undefined, () => {
    out.field('priority', rule.priority, undefined);
    if (rule.not) field('not', null, 'not');
    if (rule.from === undefined) field('src', 'all', 'from all');
    else printSelector(out, rule.from, 'src', 'from', field);
    if (rule.to !== undefined) printSelector(out, rule.to, 'dst', 'to', field);
    if (rule.tos) field('tos', style.dsfield(rule.tos), `tos ${style.dsfield(rule.tos)}`);
    if (rule.dscp !== undefined) field('dscp', String(rule.dscp), `dscp ${rule.dscp}`);
    if (rule.fwmark !== undefined || rule.fwmask !== undefined) {
      const mark = rule.fwmark ?? 0;
      if (rule.fwmask !== undefined && rule.fwmask !== 0xffffffff) {
        out.field('fwmark', hex(mark), undefined);
        field('fwmask', hex(rule.fwmask), `fwmark ${hex(mark)}/${hex(rule.fwmask)}`);
      } else {
        field('fwmark', hex(mark), `fwmark ${hex(mark)}`);
      }
    }
    if (rule.iif !== undefined) {
      field('iif', rule.iif, `iif ${rule.iif}`);
      if (rule.iifDetached) field('iif_detached', null, '[detached]');
    }
    if (rule.oif !== undefined) {
      field('oif', rule.oif, `oif ${rule.oif}`);
      if (rule.oifDetached) field('oif_detached', null, '[detached]');
    }
    if (rule.l3mdev) field('l3mdev', null, 'lookup [l3mdev-table]');
    if (rule.uidrange) {
      out.field('uid_start', rule.uidrange[0], undefined);
      field('uid_end', rule.uidrange[1], `uidrange ${rule.uidrange[0]}-${rule.uidrange[1]}`);
    }
    if (rule.ipproto !== undefined) field('ipproto', style.ipProtocol(rule.ipproto), `ipproto ${style.ipProtocol(rule.ipproto)}`);
    printPortRange(rule.sport, 'sport', field, out);
    printPortRange(rule.dport, 'dport', field, out);
    if (rule.tunId !== undefined) field('tun_id', rule.tunId, `tun_id ${rule.tunId}`);
    if (rule.table) {
      field('table', style.table(rule.table), `lookup ${style.table(rule.table)}`);
      const prefixlength = rule.suppressPrefixlength;
      if (prefixlength !== undefined && prefixlength !== NO_SUPPRESSION) {
        field('suppress_prefixlen', prefixlength, `suppress_prefixlength ${prefixlength}`);
      }
      const group = rule.suppressIfgroup;
      if (group !== undefined && group !== NO_SUPPRESSION) {
        field('suppress_ifgroup', style.group(group), `suppress_ifgroup ${style.group(group)}`);
      }
    }
    if (rule.realms !== undefined) {
      const from = rule.realms >>> 16;
      const to = rule.realms & 0xffff;
      if (from) out.field('flow_from', style.realm(from), undefined);
      field('flow_to', style.realm(to), `realms ${from ? style.realm(from) + '/' : ''}${style.realm(to)}`);
    }
    printAction(rule, field, style);
    if ((rule.protocol && rule.protocol !== RTPROT_KERNEL) || style.details) {
      field('protocol', style.protocol(rule.protocol), `proto ${style.protocol(rule.protocol)}`);
    }
  });
  out.plain(`${rule.priority}:\t${words.join(' ')}\n`);
}

type FieldWriter = (key: string, value: string | number | bigint | null, text: string) => void;

/** `from 10.0.0.0/8` is {"src": "10.0.0.0", "srclen": 8}; a host has no length. */
function printSelector(out: Output, prefix: string, key: 'src' | 'dst', word: string, field: FieldWriter): void {
  const { address, length, host } = splitPrefix(prefix);
  if (host) return field(key, address, `${word} ${address}`);
  out.field(key, address, undefined);
  field(`${key}len`, length, `${word} ${address}/${length}`);
}

function printPortRange(range: [number, number] | undefined, key: string, field: FieldWriter, out: Output): void {
  if (!range) return;
  if (range[0] === range[1]) return field(key, range[0], `${key} ${range[0]}`);
  out.field(`${key}_start`, range[0], undefined);
  field(`${key}_end`, range[1], `${key} ${range[0]}-${range[1]}`);
}

function printAction(rule: Rule, field: FieldWriter, style: PrintStyle): void {
  switch (rule.action) {
    case 'nat':
      if (rule.nat !== undefined) field('nat_gateway', rule.nat, `map-to ${rule.nat}`);
      else field('masquerade', null, 'masquerade');
      return;
    case 'goto':
      field('goto', rule.goto ?? 'none', `goto ${rule.goto ?? 'none'}`);
      if (rule.unresolved) field('unresolved', null, '[unresolved]');
      return;
    case 'nop':
      field('nop', null, 'nop');
      return;
    case 'lookup':
      return;
    default: {
      // blackhole, unreachable, prohibit: the kernel numbers them as route types
      const action = style.routeType(rule.action);
      field('action', action, action);
    }
  }
}

// How iproute2 prints numbers: as names from the namespace's name files, or as
// plain numbers with -N (-Numeric); and how much it prints: more with -d (-details).
import type { NameRegistry } from '../names/registry';
import { ROUTE_TYPE_CODES } from '../routes/codes';
import type { RouteType } from '../routes/types';
import type { NameTable } from '../names/name-table';

export interface StyleOptions {
  /** -N: numbers, not names. */
  numeric?: boolean;
  /** -d: type, table, protocol and scope even where they are the default. */
  details?: boolean;
}

export class PrintStyle {
  readonly details: boolean;
  private readonly numeric: boolean;

  constructor(
    private readonly names: NameRegistry,
    options: StyleOptions = {},
  ) {
    this.details = options.details === true;
    this.numeric = options.numeric === true;
  }

  table(id: number): string {
    return this.named(this.names.tables, id);
  }
  protocol(id: number): string {
    return this.named(this.names.protocols, id);
  }
  scope(id: number): string {
    return this.named(this.names.scopes, id);
  }
  realm(id: number): string {
    return this.named(this.names.realms, id);
  }
  group(id: number): string {
    return this.named(this.names.groups, id);
  }
  /** TOS bytes without a name (or with -N) print as two hex digits: `0x10`. */
  dsfield(id: number): string {
    return (this.numeric ? undefined : this.names.dsfields.name(id)) ?? `0x${id.toString(16).padStart(2, '0')}`;
  }
  /** An IP protocol by its /etc/protocols name, else as iproute2 writes one: `ipproto-200`. */
  ipProtocol(id: number): string {
    return (this.numeric ? undefined : this.names.ipProtocols.name(id)) ?? `ipproto-${id}`;
  }
  /** A route type (or a rule action sharing its number): `unreachable`, or `7` with -N. */
  routeType(type: RouteType): string {
    return this.numeric ? String(ROUTE_TYPE_CODES[type]) : type;
  }

  private named(table: NameTable, id: number): string {
    return (this.numeric ? undefined : table.name(id)) ?? String(id);
  }
}

/** `addr/len` as iproute2 prints it: the length only when it is not a host's. */
export function splitPrefix(prefix: string): { address: string; length: number; host: boolean } {
  const slash = prefix.lastIndexOf('/');
  const address = slash < 0 ? prefix : prefix.slice(0, slash);
  const hostLength = address.includes(':') ? 128 : 32;
  const length = slash < 0 ? hostLength : Number(prefix.slice(slash + 1));
  return { address, length, host: length === hostLength };
}

export function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

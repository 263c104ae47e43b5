// Numbers back to the names iproute2 prints, from the handle's name databases.
import type { NameRegistry } from '../names/registry';

export class PrintNames {
  constructor(private readonly names: NameRegistry) {}

  table(id: number): string {
    return this.names.tables.name(id) ?? String(id);
  }
  protocol(id: number): string {
    return this.names.protocols.name(id) ?? String(id);
  }
  scope(id: number): string {
    return this.names.scopes.name(id) ?? String(id);
  }
  realm(id: number): string {
    return this.names.realms.name(id) ?? String(id);
  }
  /** TOS bytes without a name print as two hex digits: `0x10`. */
  dsfield(id: number): string {
    return this.names.dsfields.name(id) ?? `0x${id.toString(16).padStart(2, '0')}`;
  }
  group(id: number): string {
    return this.names.groups.name(id) ?? String(id);
  }
  ipProtocol(id: number): string {
    return this.names.ipProtocols.name(id) ?? String(id);
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

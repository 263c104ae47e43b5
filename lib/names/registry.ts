// The name databases a handle resolves against. `ip -n NAME` sees
// /etc/netns/NAME/iproute2 in place of /etc/iproute2 when that directory exists
// (`ip netns exec` bind-mounts it), so a handle opened by name does the same.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { readIdNameFiles, type IdNameEntries } from './id-name-file';
import { NameTable } from './name-table';

const SYSTEM_CONFIG = '/etc/iproute2';
// iproute2 >= 6.5 keeps its shipped defaults here when /etc has no copy of a file.
const VENDOR_CONFIG = '/usr/share/iproute2';

const TABLE_BUILTINS: IdNameEntries = [
  [253, 'default'],
  [254, 'main'],
  [255, 'local'],
];
const PROTOCOL_BUILTINS: IdNameEntries = [
  [0, 'unspec'],
  [1, 'redirect'],
  [2, 'kernel'],
  [3, 'boot'],
  [4, 'static'],
  [8, 'gated'],
  [9, 'ra'],
  [10, 'mrt'],
  [11, 'zebra'],
  [12, 'bird'],
  [13, 'dnrouted'],
  [14, 'xorp'],
  [15, 'ntk'],
  [16, 'dhcp'],
  [18, 'keepalived'],
  [42, 'babel'],
  [186, 'bgp'],
  [187, 'isis'],
  [188, 'ospf'],
  [189, 'rip'],
  [192, 'eigrp'],
];
const SCOPE_BUILTINS: IdNameEntries = [
  [0, 'global'],
  [200, 'site'],
  [253, 'link'],
  [254, 'host'],
  [255, 'nowhere'],
];

export class NameRegistry {
  private readonly cache = new Map<string, NameTable>();
  private resolvedDir?: string;

  /**
   * `configDir`: where rt_tables and friends live; by default /etc/iproute2, or for
   * a named namespace its /etc/netns/NAME/iproute2 overlay when that exists.
   */
  constructor(private readonly options: { configDir?: string; netns?: string } = {}) {}

  static forNamespace(netns?: string): NameRegistry {
    return new NameRegistry({ netns });
  }

  /** Decided when a name is first needed, so an overlay written after open() counts. */
  get configDir(): string {
    if (this.resolvedDir === undefined) {
      let dir = this.options.configDir ?? SYSTEM_CONFIG;
      if (!this.options.configDir && this.options.netns) {
        const overlay = path.join('/etc/netns', this.options.netns, 'iproute2');
        if (isDirectory(overlay)) dir = overlay;
      }
      this.resolvedDir = dir;
    }
    return this.resolvedDir;
  }

  /** Forgets what was read, so that edited files are read again. */
  reload(): void {
    this.cache.clear();
    this.resolvedDir = undefined;
  }

  get tables(): NameTable {
    return this.load('rt_tables', TABLE_BUILTINS, true, 0x7fffffff);
  }
  get protocols(): NameTable {
    return this.load('rt_protos', PROTOCOL_BUILTINS, true, 255);
  }
  get scopes(): NameTable {
    return this.load('rt_scopes', SCOPE_BUILTINS, false, 255);
  }
  get realms(): NameTable {
    return this.load('rt_realms', [], false, 255);
  }
  get dsfields(): NameTable {
    return this.load('rt_dsfield', [], false, 255);
  }
  get groups(): NameTable {
    return this.load('group', [], false, 0x7fffffff);
  }
  /** IP protocol numbers by name, from /etc/protocols (what getprotobyname reads). */
  get ipProtocols(): NameTable {
    let table = this.cache.get('/etc/protocols');
    if (!table) {
      table = new NameTable([], readProtocols('/etc/protocols'));
      this.cache.set('/etc/protocols', table);
    }
    return table;
  }

  private load(file: string, builtins: IdNameEntries, fragments: boolean, maxId: number): NameTable {
    let table = this.cache.get(file);
    if (!table) {
      let where = path.join(this.configDir, file);
      if (!fs.existsSync(where) && this.configDir === SYSTEM_CONFIG) where = path.join(VENDOR_CONFIG, file);
      table = new NameTable(builtins, readIdNameFiles(where, fragments, maxId));
      this.cache.set(file, table);
    }
    return table;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// /etc/protocols: `name number aliases...`
function readProtocols(file: string): IdNameEntries {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: IdNameEntries = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length < 2) continue;
    const id = Number(fields[1]);
    if (!Number.isInteger(id) || id < 0 || id > 255) continue;
    // Aliases first: the last name given for an id is the one printed, and
    // getprotobynumber() answers the official (first) name.
    for (const name of [...fields.slice(2), fields[0]]) entries.push([id, name]);
  }
  return entries;
}

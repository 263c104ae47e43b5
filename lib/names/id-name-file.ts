// Parsing iproute2's id/name files (rt_tables, rt_protos, rt_scopes, rt_realms,
// rt_dsfield, group): `ID NAME` per line, ID decimal or 0x-hex, `#` comments.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type IdNameEntries = Array<[id: number, name: string]>;

/**
 * Entries in file order. Like iproute2, a malformed line ends the file (entries
 * read so far are kept), negative ids are skipped, and ids above `maxId` ignored.
 */
export function parseIdNameText(text: string, maxId: number): IdNameEntries {
  const entries: IdNameEntries = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(0x[0-9a-fA-F]+|-?\d+)\s+(\S+)/.exec(line);
    if (!match) break;
    const id = Number(match[1]);
    if (!Number.isSafeInteger(id) || id < 0 || id > maxId) continue;
    entries.push([id, match[2]]);
  }
  return entries;
}

/** A file and then its `FILE.d/*.conf` fragments (names starting with `.` skipped). */
export function readIdNameFiles(file: string, withFragments: boolean, maxId: number): IdNameEntries {
  const entries = readOne(file, maxId);
  if (withFragments) {
    const dir = `${file}.d`;
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      // no fragment directory: nothing more to read
    }
    for (const name of names.sort()) {
      if (name.startsWith('.') || !name.endsWith('.conf')) continue;
      entries.push(...readOne(path.join(dir, name), maxId));
    }
  }
  return entries;
}

function readOne(file: string, maxId: number): IdNameEntries {
  try {
    return parseIdNameText(fs.readFileSync(file, 'utf8'), maxId);
  } catch {
    return [];
  }
}

// A two-way id <-> name map with iproute2's precedence.
import type { IdNameEntries } from './id-name-file';

export class NameTable {
  private readonly idsByName = new Map<string, number>();
  private readonly namesById = new Map<number, string>();

  constructor(builtins: IdNameEntries, loaded: IdNameEntries) {
    for (const [id, name] of [...builtins, ...loaded]) {
      // Later entries name an id (the newest wins when printing); for looking a name
      // up, the first definition stays, as iproute2 resolves it.
      this.namesById.set(id, name);
      if (!this.idsByName.has(name)) this.idsByName.set(name, id);
    }
  }

  id(name: string): number | undefined {
    return this.idsByName.get(name);
  }

  name(id: number): string | undefined {
    return this.namesById.get(id);
  }
}

// Device names <-> indexes inside one handle's namespace. Routes carry an ifindex;
// people write names. Resolving every name with its own RTM_GETLINK would add a
// kernel round trip to every route operation, so the map is cached and re-read
// from the kernel (one link dump) whenever a name or an index is not in it.
//
// A device renamed or re-created under the same name after it was cached is only
// seen after a miss or refresh(): call refresh() after changing devices yourself.
import type { HandleCore } from './core';

export class LinkNames {
  private byName = new Map<string, number>();
  private byIndex = new Map<number, string>();
  private pending?: Promise<void>;

  constructor(private readonly core: HandleCore) {}

  /** The index of a device by name; undefined when the namespace has none by that name. */
  async indexOf(name: string): Promise<number | undefined> {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    await this.refresh();
    return this.byName.get(name);
  }

  /** The index of a device by name if the cache knows it; no kernel round trip. */
  cachedIndex(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** Makes sure every index in `indexes` has a name, refreshing at most once. */
  async learn(indexes: Iterable<number>): Promise<void> {
    for (const index of indexes) {
      if (index !== 0 && !this.byIndex.has(index)) return this.refresh();
    }
  }

  /** The name of a device by index, from the cache (call learn() first). */
  nameOf(index: number): string | undefined {
    return this.byIndex.get(index);
  }

  /** Re-reads every device of the namespace. Concurrent callers share one dump. */
  refresh(): Promise<void> {
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async load(): Promise<void> {
    const reply = await this.core.native.linkDump();
    if ('error' in reply) throw this.core.toError(reply.error, 'link list');
    this.byName = new Map(reply.links.map((l) => [l.name, l.index]));
    this.byIndex = new Map(reply.links.map((l) => [l.index, l.name]));
  }
}

// Device names <-> indexes inside one handle's namespace. Routes carry an ifindex;
// people write names. Resolving every name with its own RTM_GETLINK would add a
// kernel round trip to every route operation, so the map is cached and re-read
// from the kernel (one link dump) whenever a name or an index is not in it.
//
// A device re-created under the same name after it was cached is noticed when a
// route naming it fails as if it were gone (see moved()); a renamed one after a miss
// or refresh().
/** A device of a namespace. */
export interface Link {
  index: number;
  name: string;
  /** The hardware address as `ip link` prints it (`aa:bb:cc:dd:ee:ff`); absent when the device has none. */
  address?: string;
}

/** Every device of the namespace (one link dump); throws the dump's error. */
export type LinkDump = () => Promise<Array<{ index: number; name: string }>>;

export class LinkNames {
  private byName = new Map<string, number>();
  private byIndex = new Map<number, string>();
  private pending?: Promise<void>;
  /** Counts the cache's changes (a refresh, a device notification). */
  private current = 0;
  /** For each name: the generation in which it got the index it has now. */
  private indexSince = new Map<string, number>();

  constructor(private readonly dump: LinkDump) {}

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

  /**
   * The cache's generation now: a request built now carries the indexes of this
   * generation (see moved()). A number, so that a single call pays nothing for it.
   */
  generation(): number {
    return this.current;
  }

  /**
   * After a route naming these devices failed as if a device were gone (ENODEV,
   * ENETUNREACH): re-reads the devices and says whether any of them got another index
   * after generation `builtAt` (generation() when the request was built): the device was
   * deleted and made again, e.g. a re-plugged DVR veth, and the route is worth sending
   * once more. Judged against when the request was built, not against the cache now:
   * another call may have re-read the devices since, and its refresh must not hide the
   * move from this one.
   */
  async moved(names: string[], builtAt: number): Promise<boolean> {
    if (names.length === 0) return false;
    await this.refresh();
    return names.some((name) => this.byName.has(name) && (this.indexSince.get(name) ?? 0) > builtAt);
  }

  /** A device notification (watch.ts): `index` is now called `name`. */
  noteDevice(index: number, name: string): void {
    const before = this.byIndex.get(index);
    if (before !== undefined && this.byName.get(before) === index) this.byName.delete(before);
    if (this.byName.get(name) !== index) this.indexSince.set(name, ++this.current);
    this.byIndex.set(index, name);
    this.byName.set(name, index);
  }

  /** A device notification (watch.ts): `index` is gone. */
  forgetDevice(index: number): void {
    const name = this.byIndex.get(index);
    this.byIndex.delete(index);
    if (name !== undefined && this.byName.get(name) === index) this.byName.delete(name);
  }

  /** Re-reads every device of the namespace. Concurrent callers share one dump. */
  refresh(): Promise<void> {
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async load(): Promise<void> {
    const links = await this.dump();
    const generation = ++this.current;
    const before = this.byName;
    const indexSince = new Map<string, number>();
    const byName = new Map<string, number>();
    const byIndex = new Map<number, string>();
    for (const { name, index } of links) {
      const since = before.get(name) === index ? this.indexSince.get(name) : undefined;
      indexSince.set(name, since ?? generation);
      byName.set(name, index);
      byIndex.set(index, name);
    }
    this.indexSince = indexSince;
    this.byName = byName;
    this.byIndex = byIndex;
  }
}

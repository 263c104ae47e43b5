// Floating-IP rule priorities, one allocator per fip namespace (per external
// network), as Neutron keeps them: 32768..72767, handed out at random, never one
// that is in use. On start it adopts what the kernel holds, so no state file is
// needed to survive a restart.
import { NlrouteError, ValidationError } from '../errors';
import { FIP_PRIORITY_END, FIP_PRIORITY_START } from './derive';

/** All 40 000 priorities are taken. */
export class PriorityPoolExhaustedError extends NlrouteError {
  override name = 'PriorityPoolExhaustedError';
  constructor(readonly inUse: number) {
    super(`fip rule priorities: all ${inUse} of ${FIP_PRIORITY_START}..${FIP_PRIORITY_END - 1} are in use`);
  }
}

/**
 * Priorities by key. A key is whatever names one rule to its caller: DvrNode uses
 * `<router id>/<fixed IP>`, since a floating-IP rule is one fixed IP of one router.
 */
export class PriorityAllocator {
  private readonly used = new Map<number, string>(); // priority -> key
  private readonly byKey = new Map<string, number>();

  /** `random`: a source of numbers in [0, 1); seed it for reproducible runs. */
  constructor(private readonly random: () => number = Math.random) {}

  get inUse(): number {
    return this.used.size;
  }

  /** Who holds a priority, if anyone. */
  holderOf(priority: number): string | undefined {
    return this.used.get(priority);
  }

  /** Records a priority found in the kernel (or a state file) for a key. */
  adopt(key: string, priority: number): void {
    if (!Number.isInteger(priority) || priority < FIP_PRIORITY_START || priority >= FIP_PRIORITY_END) {
      throw new ValidationError('priority', priority, `must be ${FIP_PRIORITY_START}..${FIP_PRIORITY_END - 1}`);
    }
    const holder = this.used.get(priority);
    if (holder !== undefined && holder !== key) {
      throw new ValidationError('priority', priority, `is already held by ${holder}`);
    }
    this.release(key);
    this.used.set(priority, key);
    this.byKey.set(key, priority);
  }

  /** The floating IP's priority: the one it holds, or a random free one. */
  allocate(key: string): number {
    const held = this.byKey.get(key);
    if (held !== undefined) return held;
    const size = FIP_PRIORITY_END - FIP_PRIORITY_START;
    if (this.used.size >= size) throw new PriorityPoolExhaustedError(this.used.size);
    // Random probes find a free value fast until the pool is nearly full; then a scan
    // from a random start is certain to.
    let priority = -1;
    for (let tries = 0; tries < 32 && priority < 0; tries++) {
      const p = FIP_PRIORITY_START + Math.floor(this.random() * size);
      if (!this.used.has(p)) priority = p;
    }
    for (let k = 0, start = Math.floor(this.random() * size); priority < 0 && k < size; k++) {
      const p = FIP_PRIORITY_START + ((start + k) % size);
      if (!this.used.has(p)) priority = p;
    }
    this.used.set(priority, key);
    this.byKey.set(key, priority);
    return priority;
  }

  /** Every key that holds a priority. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  priorityOf(key: string): number | undefined {
    return this.byKey.get(key);
  }

  release(key: string): void {
    const priority = this.byKey.get(key);
    if (priority === undefined) return;
    this.byKey.delete(key);
    this.used.delete(priority);
  }
}

/** A small seeded generator (mulberry32), for storms that must replay exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

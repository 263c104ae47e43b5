// Long synchronous work (validating a 100k-operation batch) must not hold the event
// loop: a TimeSlice says when the work has run for its budget, and gives the loop a
// turn (timers, I/O, other callers) before it goes on.

/** How long JavaScript work runs before it lets the loop in; well under the 10 ms goal. */
const BUDGET_MS = 1;
/** Checking the clock costs more than validating one operation: look every so often. */
const CHECK_EVERY = 32;

export class TimeSlice {
  private since = performance.now();
  private count = 0;

  /** Undefined while within budget; else resolves on the loop's next turn. */
  pause(): Promise<void> | undefined {
    if (++this.count % CHECK_EVERY !== 0) return undefined;
    return this.pauseIfSpent();
  }

  /** As pause(), looking at the clock now: after one step that may take milliseconds by itself. */
  pauseIfSpent(): Promise<void> | undefined {
    if (performance.now() - this.since < BUDGET_MS) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.since = performance.now();
        resolve();
      }),
    );
  }
}

// Long synchronous work (validating a 100k-operation batch) must not hold the event
// loop: a TimeSlice says when the work has run for its budget, and gives the loop a
// turn (timers, I/O, other callers) before it goes on.

/** How long JavaScript work runs before it lets the loop in; well under the 10 ms goal. */
const BUDGET_MS = 1;
/**
 * Reading the clock costs about as much as validating one warm operation, so it is
 * read every few steps: how many is learned from how long the steps take. A cold
 * process's first steps (not yet compiled) can take a hundred times longer than
 * warm ones, so the count starts at one and never exceeds what half the budget holds.
 */
const MOST_STEPS_BETWEEN_READS = 64;

/**
 * Milliseconds of a monotonic clock. Not performance.now(): its first call loads
 * perf_hooks, ~2 ms of a fresh process such as one `nlroute -batch`.
 */
function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

export class TimeSlice {
  private since: number;
  private steps = 0; // since `since`
  private untilRead = 1;
  private msPerStep = BUDGET_MS; // unknown at first: assume slow

  /** `clock`: milliseconds, monotonic (tests give their own). */
  constructor(private readonly clock: () => number = monotonicMs) {
    this.since = clock();
  }

  /** Undefined while within budget; else resolves on the loop's next turn. */
  pause(): Promise<void> | undefined {
    this.steps++;
    if (--this.untilRead > 0) return undefined;
    return this.pauseIfSpent();
  }

  /** As pause(), looking at the clock now: after one step that may take milliseconds by itself. */
  pauseIfSpent(): Promise<void> | undefined {
    const spent = this.clock() - this.since;
    if (this.steps > 0) this.msPerStep = spent / this.steps;
    if (spent < BUDGET_MS) {
      this.untilRead = this.stepsIn(BUDGET_MS - spent);
      return undefined;
    }
    return new Promise((resolve) =>
      setImmediate(() => {
        this.since = this.clock();
        this.steps = 0;
        this.untilRead = this.stepsIn(BUDGET_MS);
        resolve();
      }),
    );
  }

  /** Steps to take before the clock is read again, with `ms` of the budget left. */
  private stepsIn(ms: number): number {
    const steps = Math.floor(ms / 2 / Math.max(this.msPerStep, 1e-6));
    return Math.min(Math.max(steps, 1), MOST_STEPS_BETWEEN_READS);
  }
}

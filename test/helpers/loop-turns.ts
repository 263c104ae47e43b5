// Counts the event loop's turns while a test's work runs: one setImmediate after
// another, each a turn the loop took (the loop held by the work shows as few turns).
export interface LoopTurns {
  /** Turns counted so far. */
  readonly count: number;
  /** Stops counting; the count stays what it was. */
  stop(): void;
}

export function countLoopTurns(): LoopTurns {
  let count = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    count++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get count() {
      return count;
    },
    stop() {
      counting = false;
    },
  };
}

// A TimeSlice (lib/time-slice.ts) is what keeps a 100k-operation commit from holding
// the event loop. Its clock is read only every few steps; how many must follow from
// how long steps take, or a cold process's slow first steps run far past the budget.
// The first two cases drive it with a clock of their own, so that a busy machine
// cannot change what they see.
import assert from 'node:assert/strict';

import { TimeSlice } from '../../lib/time-slice';

/** A clock the test moves, for TimeSlice's constructor; counts how often it is read. */
function fakeClock(): { now: () => number; advance(ms: number): void; reads(): number } {
  let now = 1000;
  let reads = 0;
  return {
    now: () => {
      reads++;
      return now;
    },
    advance: (ms) => (now += ms),
    reads: () => reads,
  };
}

/** One step of work that takes `ms` of CPU. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('TimeSlice', () => {
  it('lets the loop in after every step when each step is longer than the budget', async () => {
    const clock = fakeClock();
    const slice = new TimeSlice(clock.now);
    for (let step = 0; step < 8; step++) {
      clock.advance(3);
      const pause = slice.pause();
      assert.ok(pause, `step ${step} (3 ms of work) did not pause`);
      await pause;
    }
  });

  it('stops reading the clock at every step once steps are cheap, and still pauses within the slice', async () => {
    const clock = fakeClock();
    const slice = new TimeSlice(clock.now);
    const steps = 5000;
    let pauses = 0;
    for (let step = 0; step < steps; step++) {
      clock.advance(0.001); // 5 ms in all: five budgets
      const pause = slice.pause();
      if (pause) {
        pauses++;
        await pause;
      }
    }
    assert.ok(pauses >= 4 && pauses <= 6, `${pauses} pauses in 5 ms of steps (1 ms budget)`);
    assert.ok(clock.reads() < steps / 10, `the clock was read ${clock.reads()} times in ${steps} cheap steps`);
  });

  it('lets the loop run between slices: a timer due in the middle fires before the work ends', async () => {
    const slice = new TimeSlice();
    let fired = false;
    setTimeout(() => (fired = true), 2);
    let firedAt = -1;
    for (let step = 0; step < 40; step++) {
      busy(0.5);
      if (fired && firedAt < 0) firedAt = step;
      const pause = slice.pause();
      if (pause) await pause;
    }
    assert.ok(firedAt >= 0 && firedAt < 16, `the timer, due at 2 ms, fired after step ${firedAt} (0.5 ms each)`);
  });
});

// A TimeSlice (lib/time-slice.ts) is what keeps a 100k-operation commit from holding
// the event loop. Its clock is read only every few steps; how many must follow from
// how long steps take, or a cold process's slow first steps run far past the budget.
import assert from 'node:assert/strict';

import { TimeSlice } from '../../lib/time-slice';

/** One step of work that takes `ms` of CPU. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('TimeSlice', () => {
  it('lets the loop in after every step when each step is longer than the budget', async () => {
    const slice = new TimeSlice();
    for (let step = 0; step < 8; step++) {
      busy(3);
      const pause = slice.pause();
      assert.ok(pause, `step ${step} (3 ms of work) did not pause`);
      await pause;
    }
  });

  it('stops reading the clock at every step once steps are cheap, and still pauses within the slice', async () => {
    const slice = new TimeSlice();
    let steps = 0;
    let pauses = 0;
    const started = performance.now();
    while (performance.now() - started < 20) {
      steps++;
      const pause = slice.pause();
      if (pause) {
        pauses++;
        await pause;
      }
    }
    assert.ok(pauses >= 5, `${pauses} pauses in 20 ms of work (1 ms budget)`);
    assert.ok(steps > pauses * 50, `${steps} steps for ${pauses} pauses: the slices held few steps`);
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

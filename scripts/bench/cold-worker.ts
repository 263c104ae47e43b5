// A fresh process's first work, for the harness's cold cells: what an agent pays for
// its first resync after a restart, before the JIT has compiled anything of the call
// path. Run as `node cold-worker.js NETNS awaited|promise-all N`; prints one JSON line
// with the work's wall and CPU time. The process's start, loading the library and
// opening the handle are outside the clock, as they are in the warm cells.
//   awaited:     N × (rule add; rule del), each awaited (W4's work)
//   promise-all: one Promise.all of N route adds, then one of their N deletes (W2's work)
import { open } from '../../lib';
import { awaitedPairs, promiseAllAddsThenDeletes, timed } from './common';

async function main(): Promise<void> {
  const [netns, kind, count] = process.argv.slice(2);
  const n = Number(count);
  if (!netns || !Number.isInteger(n) || n < 1 || (kind !== 'awaited' && kind !== 'promise-all')) {
    throw new Error(`usage: cold-worker.js NETNS awaited|promise-all N (got ${process.argv.slice(2).join(' ')})`);
  }
  const h = await open({ netns });
  try {
    await h.refreshDevices(); // the device cache is filled before the clock starts
    const sample =
      kind === 'awaited' ? await timed(2 * n, () => awaitedPairs(h, n)) : await timed(2 * n, () => promiseAllAddsThenDeletes(h, n));
    console.log(JSON.stringify(sample));
  } finally {
    await h.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

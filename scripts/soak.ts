// npm run soak -- [operations]: a long run in scratch namespaces that reports what a
// long-lived agent cares about (README, Reliability):
//  1. memory, descriptors and threads over N awaited single operations (route add, then
//     delete, one at a time; default 1 000 000), sampled as it goes;
//  2. the event loop's largest delay while a 100k-operation batch is committed, in
//     continue and stop modes, alone and while another process hammers rtnetlink (ip
//     -batch adding and deleting routes in another namespace), with what else held the
//     loop's thread: the collector's longest pause, and the time it waited for a CPU; beside
//     each, the floor: the same figure for a loop of 1 ms busy slices without nlroute,
//     alone and beside a second busy thread (as a batch's I/O thread is).
// It asserts nothing: it prints figures. Every namespace it makes is deleted.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

import { open, type Handle } from '../lib';
import { createNamespace, deleteNamespace } from './scratch-namespace';

const mib = (bytes: number) => (bytes / (1 << 20)).toFixed(1);
const count = (dir: string) => fs.readdirSync(dir).length;

async function awaitedOperations(h: Handle, total: number): Promise<void> {
  console.log(`awaited single operations (route add, then delete), ${total} in all`);
  console.log('operations   rss MiB   heap MiB   external MiB   fds   threads');
  const sample = (done: number) => {
    const m = process.memoryUsage();
    console.log(
      `${String(done).padStart(10)}   ${mib(m.rss).padStart(7)}   ${mib(m.heapUsed).padStart(8)}   ${mib(m.external + m.arrayBuffers).padStart(12)}   ${String(count('/proc/self/fd')).padStart(3)}   ${String(count('/proc/self/task')).padStart(7)}`,
    );
  };
  const step = Math.max(2, Math.floor(total / 10));
  for (let done = 0; done < total;) {
    const route = { dst: `10.${(done >> 17) & 255}.${(done >> 9) & 255}.${(done >> 1) & 255}/32`, type: 'blackhole' as const, table: 100 };
    await h.routes.add(route);
    await h.routes.delete(route);
    done += 2;
    if (done % step === 0 || done === 2) sample(done);
  }
}

function hammer(namespace: string): ChildProcess {
  // ip -batch adding and deleting 5000 routes, over and over, until killed.
  const lines = [];
  for (let i = 0; i < 5000; i++) lines.push(`route add blackhole 10.200.${i >> 8}.${i & 255}/32 table 7`);
  for (let i = 0; i < 5000; i++) lines.push(`route del blackhole 10.200.${i >> 8}.${i & 255}/32 table 7`);
  fs.writeFileSync(`/tmp/nlroute-soak-${process.pid}.batch`, `${lines.join('\n')}\n`);
  return spawn('sh', ['-c', `while :; do ip -n ${namespace} -batch /tmp/nlroute-soak-${process.pid}.batch; done`], { stdio: 'ignore' });
}

/** V8's collector pauses from now until stop(): how many, and the longest (ms). */
function collectorPauses(): { stop: () => { count: number; longest: number } } {
  let count = 0;
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count++;
      longest = Math.max(longest, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      for (const entry of observer.takeRecords()) {
        count++;
        longest = Math.max(longest, entry.duration);
      }
      observer.disconnect();
      return { count, longest };
    },
  };
}

/**
 * The event loop's thread's time on a CPU and waiting for one (/proc schedstat, ns),
 * since `before` when given: a loop delay with the thread waiting is the machine's
 * CPUs being busy, not JavaScript holding the loop.
 */
function mainThreadScheduling(before?: { ranMs: number; waitedMs: number }): { ranMs: number; waitedMs: number } {
  const [ran, waited] = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  const now = { ranMs: ran / 1e6, waitedMs: waited / 1e6 };
  return before ? { ranMs: now.ranMs - before.ranMs, waitedMs: now.waitedMs - before.waitedMs } : now;
}

/**
 * The machine's own floor for the figure above: a loop that does nothing but 1 ms slices
 * of busy work (as a commit's JavaScript does) for `ms`, without nlroute, under the same
 * contention. What it shows is the scheduler and V8's own threads, not the library.
 * With `busyThread`, a second thread of the process is busy meanwhile, as the handle's
 * I/O thread is while a batch is applied: the floor of any design that overlaps the
 * loop's work with the kernel's.
 */
async function floorDelay(ms: number, busyThread: boolean): Promise<string> {
  const busy = busyThread ? await startBusyThread() : undefined;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const sliceEnd = performance.now() + 1;
    while (performance.now() < sliceEnd);
    await new Promise((resolve) => setImmediate(resolve));
  }
  delay.disable();
  await busy?.terminate();
  return `loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`;
}

/** A Worker that is busy until terminated, like an I/O thread applying a long batch: 1.5 ms of work, then a 20 µs wait. */
async function startBusyThread(): Promise<Worker> {
  const worker = new Worker(
    `const word = new Int32Array(new SharedArrayBuffer(4));
     require('node:worker_threads').parentPort.postMessage('busy');
     for (;;) {
       const end = performance.now() + 1.5;
       while (performance.now() < end);
       Atomics.wait(word, 0, 0, 0.02);
     }`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  return worker;
}

async function loopDelay(h: Handle, contended: boolean): Promise<void> {
  for (const onError of ['continue', 'stop'] as const) {
    const batch = h.batch();
    for (let i = 0; i < 100_000; i++)
      batch.routes.add({ dst: `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, type: 'blackhole', table: 101 });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const pauses = collectorPauses();
    const cpuBefore = mainThreadScheduling();
    delay.enable();
    const started = process.hrtime.bigint();
    const results = await batch.commit({ onError });
    delay.disable();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = mainThreadScheduling(cpuBefore);
    const gc = pauses.stop();
    const ok = results.filter((r) => r.ok).length;
    console.log(
      `  ${onError.padEnd(8)} ${contended ? 'with' : 'without'} contention: ${ok} applied in ${ms.toFixed(0)} ms; loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms` +
        `; collector pauses ${gc.count}, longest ${gc.longest.toFixed(1)} ms; the loop's thread ran ${cpu.ranMs.toFixed(0)} ms and waited for a CPU ${cpu.waitedMs.toFixed(0)} ms`,
    );
    await h.routes.flush({ table: 101 });
    const contention = `${contended ? 'with' : 'without'} contention`;
    console.log(`  ${'floor'.padEnd(8)} ${contention}: 1 ms slices of busy work, no nlroute, for as long: ${await floorDelay(ms, false)}`);
    console.log(`  ${'floor'.padEnd(8)} ${contention}: the same beside a second busy thread in the process: ${await floorDelay(ms, true)}`);
  }
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(total) || total < 2) throw new Error(`usage: npm run soak -- [operations] (got ${process.argv[2]})`);
  const ns = createNamespace('soak');
  const other = createNamespace('soak-rtnl');
  let hammering: ChildProcess | undefined;
  try {
    const h = await open({ netns: ns });
    await awaitedOperations(h, total);
    console.log('event loop delay while a 100k-operation batch is committed');
    await loopDelay(h, false);
    hammering = hammer(other);
    await loopDelay(h, true);
    await h.close();
  } finally {
    hammering?.kill();
    fs.rmSync(`/tmp/nlroute-soak-${process.pid}.batch`, { force: true });
    deleteNamespace(ns);
    deleteNamespace(other);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

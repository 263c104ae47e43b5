// W10: change notifications. `ip -batch` adds N routes in a watched namespace; a
// watcher must deliver every one as an event. nlroute's handle.watch() beside `ip
// monitor route` reading the same: the wall time from the batch's start to the last
// event, and the watcher's own CPU per event (ip -batch's is in neither).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { open } from '../../lib';
import { GATEWAY, inFreshNamespace, TABLE, type Sample } from './common';
import type { Method } from './workloads';

const USER_HZ = 100;

function addLines(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `route add 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32 via ${GATEWAY} dev v0 table ${TABLE}\n`;
  return text;
}

/** Runs `ip -batch` on `input` without blocking this process's loop (the watcher runs here). */
function ipBatchInBackground(netns: string, input: string): Promise<void> {
  const child = spawn('ip', ['-n', netns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch: exit ${code}: ${stderr.trim()}`)))),
  );
}

function flushTable(netns: string): Promise<void> {
  return ipBatchInBackground(netns, `route flush table ${TABLE}\n`);
}

/** CPU of another process so far, from /proc/PID/stat (utime, stime), in ms. */
function processCpu(pid: number): { user: number; sys: number } {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: (Number(fields[11]) * 1000) / USER_HZ, sys: (Number(fields[12]) * 1000) / USER_HZ };
}

export function notificationMethods(n: number): Method[] {
  const input = addLines(n);
  return [
    {
      name: 'nlroute watch',
      kind: 'nlroute',
      run: () =>
        inFreshNamespace(async (netns) => {
          const h = await open({ netns });
          try {
            const watch = h.watch({ routes: { table: TABLE } });
            await watch.ready;
            const cpu = process.cpuUsage();
            const start = process.hrtime.bigint();
            const writing = ipBatchInBackground(netns, input);
            let seen = 0;
            for await (const event of watch) {
              if (event.type === 'added' && event.kind === 'route' && ++seen === n) break;
              if (event.type === 'resync') throw new Error('W10: the watch overflowed');
            }
            const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
            const used = process.cpuUsage(cpu);
            await writing;
            await flushTable(netns);
            return { wallMs, userMs: used.user / 1000, sysMs: used.system / 1000, ops: n };
          } finally {
            await h.close();
          }
        }),
    },
    {
      name: 'ip monitor route',
      kind: 'ip',
      run: () => inFreshNamespace((netns) => ipMonitor(netns, n, input)),
    },
  ];
}

/** `ip monitor route`, its output read here line by line until every add has been printed. */
async function ipMonitor(netns: string, n: number, input: string): Promise<Sample> {
  const monitor = spawn('ip', ['-n', netns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let added = 0;
  let marker = false;
  let wake: (() => void) | undefined;
  let partial = '';
  monitor.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('latin1')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('10.255.255.255')) marker = true;
      else if (line.startsWith('10.') && !line.startsWith('Deleted')) added++;
    }
    wake?.();
  });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    // A marker route until the monitor prints it: from then on it is listening.
    for (let attempt = 0; !marker; attempt++) {
      if (attempt === 100) throw new Error('W10: ip monitor never printed the marker');
      await ipBatchInBackground(netns, `route replace 10.255.255.255/32 dev v0 table 99\n`);
      await Promise.race([until(() => marker), new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    const before = processCpu(monitor.pid!);
    const start = process.hrtime.bigint();
    const writing = ipBatchInBackground(netns, input);
    await until(() => added >= n);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const after = processCpu(monitor.pid!);
    await writing;
    if (added !== n) throw new Error(`W10: ip monitor printed ${added} adds, not ${n}`);
    await ipBatchInBackground(netns, `route flush table ${TABLE}\nroute flush table 99\n`);
    return { wallMs, userMs: after.user - before.user, sysMs: after.sys - before.sys, ops: n };
  } finally {
    monitor.kill();
  }
}

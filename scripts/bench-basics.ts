// Single-operation costs, side by side in one run: nlroute vs `ip -batch` vs one
// `ip` process per operation, each in its own throwaway namespace.
//   npm run bench:basics [-- PAIRS]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { open } from '../lib';
import { withScratchNamespace } from './scratch-namespace';

const pairs = Number(process.argv[2] ?? 2000);
const forkPairs = Math.min(pairs, 100);

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function nlrouteRuleLatency(): Promise<number> {
  return withScratchNamespace('nlr-bench', async (netns) => {
    const h = await open({ netns });
    try {
      // Warm-up: until the JIT has compiled the whole call path.
      for (let i = 0; i < 1000; i++) {
        await h.rules.add({ priority: 1000, from: '10.0.0.1', table: 16 });
        await h.rules.delete({ priority: 1000 });
      }
      const start = process.hrtime.bigint();
      for (let i = 0; i < pairs; i++) {
        await h.rules.add({ priority: 1000 + i, from: '10.0.0.1', table: 16 });
        await h.rules.delete({ priority: 1000 + i });
      }
      return (ms(start) * 1000) / (2 * pairs);
    } finally {
      await h.close();
    }
  });
}

async function ipBatchRuleLatency(): Promise<number> {
  return withScratchNamespace('nlr-bench', async (netns) => {
    const lines: string[] = [];
    for (let i = 0; i < pairs; i++) lines.push(`rule add pref ${1000 + i} from 10.0.0.1 table 16`, `rule del pref ${1000 + i}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlr-bench-')), 'batch');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const start = process.hrtime.bigint();
    const r = spawnSync('ip', ['-n', netns, '-batch', file]);
    const elapsed = ms(start);
    fs.rmSync(path.dirname(file), { recursive: true });
    if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
    return (elapsed * 1000) / (2 * pairs);
  });
}

async function forkRuleLatency(): Promise<number> {
  return withScratchNamespace('nlr-bench', async (netns) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < forkPairs; i++) {
      spawnSync('ip', ['-n', netns, 'rule', 'add', 'pref', String(1000 + i), 'from', '10.0.0.1', 'table', '16']);
      spawnSync('ip', ['-n', netns, 'rule', 'del', 'pref', String(1000 + i)]);
    }
    return (ms(start) * 1000) / (2 * forkPairs);
  });
}

async function openCloseCost(): Promise<number> {
  return withScratchNamespace('nlr-bench', async (netns) => {
    const n = 500;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await (await open({ netns })).close();
    return (ms(start) * 1000) / n;
  });
}

async function main() {
  // First, before deleted namespaces leave the kernel cleaning up in the background.
  const openClose = await openCloseCost();
  const nl = await nlrouteRuleLatency();
  const batch = await ipBatchRuleLatency();
  const fork = await forkRuleLatency();
  console.log(`single rule add/del, each awaited (${pairs} pairs; fork sampled at ${forkPairs} pairs)`);
  console.log(`  nlroute          ${nl.toFixed(1).padStart(8)} µs/op`);
  console.log(`  ip -batch        ${batch.toFixed(1).padStart(8)} µs/op   (${(batch / nl).toFixed(1)}x nlroute)`);
  console.log(`  ip per operation ${fork.toFixed(1).padStart(8)} µs/op   (${(fork / nl).toFixed(0)}x nlroute)`);
  console.log(`open + close of a handle in a named namespace: ${openClose.toFixed(1)} µs`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

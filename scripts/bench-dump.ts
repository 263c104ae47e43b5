// Listing a big routing table, side by side in one run: nlroute's list() into
// JavaScript objects, its native half alone (dump + decode + pack, no objects),
// the raw C client (scripts/baseline/nlraw.c, the kernel-bound floor) and
// `ip route show`. Everything runs in one throwaway namespace.
//   npm run bench:dump [-- ROUTES [RUNS]]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { open } from '../lib';
import { addon } from '../lib/native';
import { withScratchNamespace } from './scratch-namespace';

const routes = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 7);
const TABLE = 100;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function summary(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

async function measure(what: string, once: () => Promise<number> | number): Promise<number[]> {
  await once(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  process.stderr.write(`  measured ${what}\n`);
  return samples;
}

/** Compiles the raw C client with the system compiler; undefined (with a note) when that fails. */
function buildRawClient(): string | undefined {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlraw-')), 'nlraw');
  const r = spawnSync('cc', ['-O2', '-o', out, path.join(__dirname, '..', '..', 'scripts', 'baseline', 'nlraw.c')], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`raw C client not built (cc: ${r.error?.message ?? r.stderr.trim()}); its column is skipped`);
    return undefined;
  }
  return out;
}

function fillTable(netns: string): void {
  execFileSync('ip', ['-n', netns, 'addr', 'add', '10.255.0.1/24', 'dev', 'v0']);
  const lines: string[] = [];
  for (let i = 0; i < routes; i++) lines.push(`route add ${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24 via 10.255.0.2 table ${TABLE}`);
  const r = spawnSync('ip', ['-n', netns, '-batch', '-'], { input: lines.join('\n'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`filling the table failed: ${r.stderr}`);
}

async function main() {
  const raw = buildRawClient();
  await withScratchNamespace('nlr-dump', async (netns) => {
    execFileSync('ip', ['-n', netns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'v0', 'up']);
    fillTable(netns);
    process.stderr.write(`table ${TABLE} holds ${routes} routes\n`);

    const h = await open({ netns });
    const native = new addon.NativeHandle({ path: `/run/netns/${netns}` });
    await native.open();
    try {
      const full = await measure('nlroute list()', async () => {
        const start = process.hrtime.bigint();
        const listed = await h.routes.list({ family: 4, table: TABLE });
        const elapsed = ms(start);
        if (listed.length !== routes) throw new Error(`list() returned ${listed.length} routes`);
        return elapsed;
      });
      const nativeOnly = await measure('native dump + decode + pack', async () => {
        const start = process.hrtime.bigint();
        const pack = await native.routeDump({ family: 2, table: TABLE });
        const elapsed = ms(start);
        if ('error' in pack || pack.count !== routes) throw new Error('native dump failed');
        return elapsed;
      });
      const c = raw
        ? await measure('raw C client', () => {
          const out = execFileSync('ip', ['netns', 'exec', netns, raw, 'dump', String(TABLE), 'strict=1', `expect=${routes}`], { encoding: 'utf8' });
          const wall = /wall_s=([\d.]+)/.exec(out);
          if (!wall) throw new Error(`nlraw said: ${out}`);
          return Number(wall[1]) * 1000;
        })
        : undefined;
      const ipShow = await measure('ip route show', () => {
        const start = process.hrtime.bigint();
        const r = spawnSync('ip', ['-n', netns, 'route', 'show', 'table', String(TABLE)], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (r.status !== 0) throw new Error('ip route show failed');
        return ms(start);
      });
      report(full, nativeOnly, c, ipShow);
    } finally {
      await native.close();
      await h.close();
      if (raw) fs.rmSync(path.dirname(raw), { recursive: true, force: true });
    }
  });
}

function report(full: number[], nativeOnly: number[], c: number[] | undefined, ipShow: number[]) {
  const f = summary(full);
  const line = (name: string, samples: number[], note = '') => {
    const s = summary(samples);
    const perRoute = (s.median * 1000) / routes;
    console.log(`  ${name.padEnd(36)} ${s.median.toFixed(1).padStart(8)} ms  [${s.min.toFixed(1)}–${s.max.toFixed(1)}]  ${perRoute.toFixed(2).padStart(6)} µs/route${note}`);
  };
  console.log(`listing ${routes} IPv4 routes of table ${TABLE} (median [min–max] of ${runs} runs)`);
  line('nlroute list() -> Route objects', full);
  line('  of which native dump+decode+pack', nativeOnly);
  if (c) line('raw C client (nlraw dump, strict)', c, `   nlroute = ${(f.median / summary(c).median).toFixed(2)}x raw`);
  line('ip route show (whole process)', ipShow, `   ${(summary(ipShow).median / f.median).toFixed(1)}x nlroute`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

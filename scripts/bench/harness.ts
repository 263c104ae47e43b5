// The benchmark harness: nlroute against the raw C client, `ip -batch` and `ip` per
// operation, side by side in one run, every workload in fresh throwaway namespaces.
//   npm run bench [-- quick|full|smoke] [--progress|--no-progress]   (or -- --report DIR: render again)
// Writes bench-results/<profile>/{results.md,results.json,chart.svg} and prints the
// Markdown. The last full results are kept in the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Sample } from './common';
import { RawClient } from './common';
import { markdown, svg, type Cell, type Results } from './report';
import { pyroute2Python, workloads, type Sizes } from './workloads';
import { Progress, progressWanted } from '../progress';

const PROFILES: Record<string, { sizes: Sizes; runs: number }> = {
  // The smallest sizes, one run: what CI runs to check the harness itself.
  smoke: {
    runs: 1,
    sizes: {
      rules: 200,
      routes: 500,
      dump: 2000,
      pairs: 200,
      opens: 20,
      growth: [300],
      storm: { routers: 2, fipsPerRouter: 5 },
      ipSample: 10,
      commands: 5,
      notifications: 2000,
    },
  },
  // Under a minute here: its sizes are cut where a run is mostly processes started
  // (the storm's namespaces, W9's commands, the sampled ip per operation).
  quick: {
    runs: 3,
    sizes: {
      rules: 2000,
      routes: 4000,
      dump: 10000,
      pairs: 1000,
      opens: 100,
      growth: [1000, 3000],
      storm: { routers: 4, fipsPerRouter: 10 },
      ipSample: 10,
      commands: 5,
      notifications: 5000,
    },
  },
  full: {
    runs: 5,
    sizes: {
      rules: 10000,
      routes: 10000,
      dump: 100000,
      pairs: 2000,
      opens: 500,
      growth: [1000, 3000, 10000, 30000],
      storm: { routers: 100, fipsPerRouter: 10 },
      ipSample: 100,
      commands: 50,
      notifications: 100000,
    },
  },
};

function machine(): string {
  const cpus = os.cpus();
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8' }).stdout.trim();
  return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, kernel ${os.release()}, ${ip}, node ${process.version}`;
}

/** Optional peers: measured only when the machine has them; never installed here. */
function optionalNotes(): string[] {
  const notes: string[] = [];
  const python = pyroute2Python();
  notes.push(
    python
      ? `pyroute2 (${python}): measured in W1 and W2, one IPRoute call per operation.`
      : 'pyroute2: not installed (Debian python3-pyroute2), so not measured; the harness never installs it.',
  );
  try {
    require.resolve('netlink');
    notes.push('npm `netlink` is installed, but the harness has no method for it yet: not measured.');
  } catch {
    notes.push('npm `netlink`: not installed, so not measured; the harness never installs it.');
  }
  return notes;
}

/** `--report DIR`: renders results.md and chart.svg again from DIR/results.json. */
function rerender(dir: string): void {
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Results;
  fs.writeFileSync(path.join(dir, 'results.md'), markdown(results));
  fs.writeFileSync(path.join(dir, 'chart.svg'), svg(results));
}

async function main() {
  if (process.argv[2] === '--report') return rerender(process.argv[3]);
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--')) ?? 'quick';
  const unknown = args.find((a) => a.startsWith('--') && a !== '--progress' && a !== '--no-progress');
  if (unknown) throw new Error(`unknown option ${unknown}; the options are --progress and --no-progress`);
  const progress = new Progress(progressWanted(args));
  const profile = PROFILES[name];
  if (!profile) throw new Error(`unknown profile ${name}; one of ${Object.keys(PROFILES).join(', ')}`);
  if (process.getuid?.() !== 0) throw new Error('the benchmarks need root to build their scratch namespaces');
  const raw = RawClient.build();
  const results: Results = {
    profile: name,
    date: new Date().toISOString(),
    machine: machine(),
    runs: profile.runs,
    cells: [],
    targets: [],
    references: {},
    notes: [
      ...(name === 'smoke'
        ? [
            'smoke profile: the smallest sizes, one cold run each. It checks the harness itself, not the speed: targets are judged on the full profile.',
          ]
        : []),
      ...optionalNotes(),
      'ip per operation: one `ip -n NS ...` process per change, sampled at a smaller count (see its cell); µs/op is comparable, wall ms is not.',
    ],
  };
  try {
    const all = workloads(profile.sizes, raw);
    const cells = all.reduce((n, w) => n + w.methods.length, 0);
    let cell = 0;
    for (const w of all) {
      for (const m of w.methods) {
        cell++;
        const samples: Sample[] = [];
        if (m.kind === 'nlroute' && !m.cold && profile.runs > 1) await m.run(); // warm-up: JIT
        for (let i = 0; i < profile.runs; i++) {
          progress.update(`${w.id} ${m.name}, run ${i + 1} of ${profile.runs}; cell`, cell, cells);
          samples.push(await m.run());
        }
        results.cells.push({ workload: w.id, title: w.title, method: m.name, kind: m.kind, note: m.note, samples } satisfies Cell);
      }
      results.targets.push(...w.targets.map((t) => ({ workload: w.id, ...t })));
      if (w.reference) results.references[w.id] = w.reference;
      results.notes.push(...w.notes.map((n) => `${w.id}: ${n}`));
    }
  } finally {
    progress.end();
    raw?.remove();
  }
  const dir = path.join(__dirname, '..', '..', '..', 'bench-results', name);
  fs.mkdirSync(dir, { recursive: true });
  const md = markdown(results);
  fs.writeFileSync(path.join(dir, 'results.md'), md);
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  fs.writeFileSync(path.join(dir, 'chart.svg'), svg(results));
  console.log(md);
  console.log(`written to ${path.relative(process.cwd(), dir)}/ (results.md, results.json, chart.svg)`);
  // Nothing of ours may be left behind.
  const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /^nlr-(bench|w8)/.test(l));
  if (left.length) throw new Error(`namespaces left behind: ${left.join(', ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

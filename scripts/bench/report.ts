// The harness's results: a Markdown table a person reads, the raw numbers as JSON, and
// an SVG chart of the per-operation cost by workload and method (log scale).
import type { Sample } from './common';
import { median } from './common';
import type { Target } from './workloads';

export interface Cell {
  workload: string;
  title: string;
  method: string;
  kind: string;
  note?: string;
  samples: Sample[];
  skipped?: string;
}

export interface Results {
  profile: string;
  date: string;
  machine: string;
  runs: number;
  cells: Cell[];
  targets: Array<{ workload: string; reference?: string } & Target>;
  /** Per workload, the raw C method nlroute's cells are compared with. */
  references: Record<string, string>;
  notes: string[];
}

export const perOpMicros = (c: Cell) => (c.samples.length ? median(c.samples.map((s) => s.wallMs / s.ops)) * 1000 : NaN);
/** Median CPU (user + sys) per operation, in ms. */
const cpuPerOpMs = (c: Cell) => median(c.samples.map((s) => ((s.userMs ?? NaN) + (s.sysMs ?? NaN)) / s.ops));
const wall = (c: Cell) => median(c.samples.map((s) => s.wallMs));

function range(c: Cell): string {
  const w = c.samples.map((s) => s.wallMs).sort((a, b) => a - b);
  return `${fmt(wall(c))} [${fmt(w[0])}–${fmt(w[w.length - 1])}]`;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function cpu(c: Cell): string {
  const u = c.samples.map((s) => s.userMs).filter((x): x is number => x !== undefined);
  const y = c.samples.map((s) => s.sysMs).filter((x): x is number => x !== undefined);
  return u.length ? `${fmt(median(u))} / ${fmt(median(y))}` : '—';
}

/** Per-op ratio of a cell to another cell of the same workload. */
function ratio(cells: Cell[], c: Cell, method: string | undefined): number | undefined {
  const other = cells.find((x) => x.workload === c.workload && x.method === method && x.samples.length);
  return other ? perOpMicros(c) / perOpMicros(other) : undefined;
}

export function markdown(r: Results): string {
  const out: string[] = [];
  out.push(`# nlroute benchmark results (${r.profile} profile)`, '');
  out.push(
    `${r.date}. ${r.machine}. Each cell: ${r.runs} run(s), each in a fresh namespace checked to be back to its initial state;`,
    'median [min–max] of the wall time, median user / sys CPU (for child processes: theirs), median µs per operation.',
    "The ratio columns are nlroute's µs/op over the other method's: below 1, nlroute is faster.",
    '',
  );
  out.push('| workload | method | wall ms | CPU user / sys ms | µs/op | × raw C | × ip -batch |', '|---|---|---:|---:|---:|---:|---:|');
  for (const c of r.cells) {
    if (c.skipped) {
      out.push(`| ${c.workload} ${c.title} | ${c.method} | skipped: ${c.skipped} | | | | |`);
      continue;
    }
    const ours = c.kind === 'nlroute' || c.kind === 'cli';
    const raw = ours ? ratio(r.cells, c, r.references[c.workload]) : undefined;
    const batch = ours ? ratio(r.cells, c, r.cells.find((x) => x.workload === c.workload && x.kind === 'ip-batch')?.method) : undefined;
    out.push(
      `| ${c.workload} ${c.title} | ${c.method}${c.note ? ` (${c.note})` : ''} | ${range(c)} | ${cpu(c)} | ${perOpMicros(c).toFixed(2)} | ${raw ? `${raw.toFixed(2)}×` : ''} | ${batch ? `${batch.toFixed(2)}×` : ''} |`,
    );
  }
  out.push('', '## Targets', '', '| workload | target | measured | |', '|---|---|---:|---|');
  for (const t of r.targets) {
    const c = r.cells.find((x) => x.workload === t.workload && x.method === t.method && x.samples.length);
    let measured: string | undefined;
    let met = false;
    const reference = t.reference
      ? r.cells.find((x) => x.workload === t.workload && x.method === t.reference && x.samples.length)
      : undefined;
    if (c && reference && t.maxCpuAboveMs !== undefined) {
      const above = cpuPerOpMs(c) - cpuPerOpMs(reference);
      measured = `${above.toFixed(0)} ms above (${cpuPerOpMs(c).toFixed(0)} against ${cpuPerOpMs(reference).toFixed(0)} ms)`;
      met = above <= t.maxCpuAboveMs;
    } else if (c && t.maxMicros !== undefined) {
      measured = `${perOpMicros(c).toFixed(0)} µs`;
      met = perOpMicros(c) <= t.maxMicros;
    } else if (c && t.ratio !== undefined) {
      const x = ratio(r.cells, c, t.reference);
      if (x !== undefined) {
        measured = x < 1 ? `${(1 / x).toFixed(2)}× faster` : `${x.toFixed(2)}×`;
        met = x <= t.ratio;
      }
    }
    out.push(
      `| ${t.workload} | ${t.text} | ${measured ?? '—'} | ${measured === undefined ? 'not measured' : met ? 'met' : '**missed**'} |`,
    );
  }
  const delayed = r.cells.filter((c) => c.samples.some((s) => s.loopDelayMaxMs !== undefined));
  if (delayed.length) {
    out.push(
      '',
      '## Event-loop delay',
      '',
      'The longest wait of a 1 ms timer during each run (`monitorEventLoopDelay`): median [min–max].',
      '',
    );
    for (const c of delayed) {
      const max = c.samples.map((s) => s.loopDelayMaxMs ?? NaN);
      out.push(`- ${c.workload} ${c.method}: ${median(max).toFixed(1)} ms [${Math.min(...max).toFixed(1)}–${Math.max(...max).toFixed(1)}]`);
    }
  }
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}

const COLORS: Record<string, string> = {
  nlroute: '#1f77b4',
  cli: '#17becf',
  raw: '#2ca02c',
  'ip-batch': '#ff7f0e',
  ip: '#d62728',
  peer: '#9467bd',
  floor: '#7f7f7f',
};

/** Horizontal bars of µs per operation, log scale, grouped by workload. */
export function svg(r: Results): string {
  const cells = r.cells.filter((c) => c.samples.length);
  const values = cells.map(perOpMicros);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const [left, width, row, top] = [330, 520, 16, 40];
  const x = (v: number) => left + ((Math.log10(v) - lo) / (hi - lo)) * width;
  const lines: string[] = [];
  let y = top;
  let last = '';
  for (const c of cells) {
    if (c.workload !== last) {
      y += 10;
      lines.push(`<text x="8" y="${y + 11}" font-weight="bold">${esc(`${c.workload} ${c.title}`.slice(0, 52))}</text>`);
      y += row;
      last = c.workload;
    }
    const v = perOpMicros(c);
    lines.push(`<text x="20" y="${y + 11}">${esc(c.method)}</text>`);
    lines.push(
      `<rect x="${left}" y="${y + 2}" width="${Math.max(1, x(v) - left).toFixed(1)}" height="${row - 4}" fill="${COLORS[c.kind] ?? '#888'}"/>`,
    );
    lines.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${y + 11}">${v < 10 ? v.toFixed(2) : v.toFixed(0)} µs</text>`);
    y += row;
  }
  const ticks: string[] = [];
  for (let e = lo; e <= hi; e++) {
    ticks.push(
      `<line x1="${x(10 ** e)}" y1="${top}" x2="${x(10 ** e)}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${x(10 ** e) - 10}" y="${top - 4}">${10 ** e >= 1000 ? `${10 ** (e - 3)} ms` : `${10 ** e} µs`}</text>`,
    );
  }
  const height = y + 20;
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 120}" height="${height}" font-family="sans-serif" font-size="11">`,
      `<rect width="100%" height="100%" fill="white"/>`,
      `<text x="8" y="16" font-size="13" font-weight="bold">nlroute: cost per operation by workload and method (log scale), ${esc(r.profile)} profile</text>`,
      ...ticks,
      ...lines,
      '</svg>',
    ].join('\n') + '\n'
  );
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

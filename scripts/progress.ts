// One status line for long runs (the storm's big profiles, the benchmark harness): what
// is running, how far it got, and the time since the start, redrawn in place on a
// terminal. In a pipe or a log it says nothing unless asked (`--progress`), and then
// writes one plain line per step instead of redrawing.
import { performance } from 'node:perf_hooks';

/** `--progress` / `--no-progress` if given, else whether stderr is a terminal. */
export function progressWanted(args: readonly string[], stream: NodeJS.WriteStream = process.stderr): boolean {
  if (args.includes('--no-progress')) return false;
  if (args.includes('--progress')) return true;
  return stream.isTTY === true;
}

export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastPhase?: string;
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /**
   * `phase`, and `done` of `total` when counting. On a terminal the line is redrawn at
   * most ten times a second within one phase; in a pipe one line is written per phase
   * (and when its count completes), never one per count.
   */
  update(phase: string, done?: number, total?: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    const counting = done !== undefined && total !== undefined;
    const newPhase = phase !== this.lastPhase;
    const complete = counting && done === total;
    const tty = this.stream.isTTY === true;
    if (!newPhase && !complete && (!tty || now - this.lastDraw < 100)) return;
    this.lastPhase = phase;
    this.lastDraw = now;
    const count = counting ? ` ${done}/${total}` : '';
    const line = `${phase}${count}, ${((now - this.started) / 1000).toFixed(1)} s`;
    if (tty) {
      this.stream.write(`\r\x1b[K${line}`);
      this.drawn = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Clears the status line, so that what follows starts on a clean line. */
  end(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

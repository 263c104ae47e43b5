// Runs a snippet of JavaScript in a fresh Node process, for what only a whole process
// can show: how it exits (a crash at teardown is a signal or status 134/139, never a
// test failure inside this process), and what it printed.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The compiled library, for `require()` inside a child's script. */
export const LIBRARY = path.join(__dirname, '..', '..', 'lib');

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with `node -e`; `LIB` in the script names the compiled library. */
export function runChild(script: string, timeoutMs = 60_000): ChildResult {
  const r = spawnSync(process.execPath, ['-e', script.replaceAll('LIB', JSON.stringify(LIBRARY))], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: process.env,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `status 0` and what it printed, or a message saying how it ended. */
export function describeExit(r: ChildResult): string {
  return `status ${r.status}, signal ${r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-2000)}`;
}

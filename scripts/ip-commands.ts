// `ip` run inside a namespace, the one way the scripts do it: one command, or a batch of
// lines on stdin (one process for many changes). Scripts use `ip` for the environment
// (devices, addresses) and as the baseline the library is measured against; the
// library itself never runs it.
import { spawnSync } from 'node:child_process';

/** `ip -n NETNS <line>`; its output, or an Error with ip's message. */
export function ipIn(netns: string, line: string): string {
  const r = spawnSync('ip', ['-n', netns, ...line.split(' ')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -n ${netns} ${line}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * `ip -n NETNS [-force] -batch -` with these lines. `force`: go on after a failing line
 * (ip then exits 1); `tolerateFailures`: a failing line is expected (drift that may hit an
 * object already gone), so only ip itself failing to run throws.
 */
export function ipBatch(netns: string, lines: string[], options: { force?: boolean; tolerateFailures?: boolean } = {}): void {
  const r = spawnSync('ip', ['-n', netns, ...(options.force ? ['-force'] : []), '-batch', '-'], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  if (r.status === 0) return;
  if (options.tolerateFailures && /RTNETLINK|Error/.test(r.stderr)) return;
  throw new Error(`ip -n ${netns} -batch: ${r.stderr.trim()}`);
}

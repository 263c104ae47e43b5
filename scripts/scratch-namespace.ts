// Throwaway network namespaces, for tests, benchmarks and demos: created with
// `ip netns add` under a unique name, always deleted (with any /etc/netns/NAME
// overlay), also on failure, at exit and on Ctrl-C.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;
const live = new Set<string>();

process.on('exit', () => {
  for (const name of live) deleteNamespace(name);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const name of live) deleteNamespace(name);
    process.exit(130);
  });
}

/**
 * Creates `PREFIX-PID-N` with lo up (unless `bare`: then as the kernel makes it, with
 * no table yet) and returns its name.
 */
export function createNamespace(prefix: string, bare = false): string {
  const name = `${prefix}-${process.pid}-${++counter}`;
  execFileSync('ip', ['netns', 'add', name]);
  live.add(name);
  if (!bare) execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export function deleteNamespace(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  fs.rmSync(path.join('/etc/netns', name), { recursive: true, force: true });
  live.delete(name);
}

/** `bare`: see createNamespace (a caller that sets lo up itself saves a process). */
export async function withScratchNamespace<T>(
  prefix: string,
  body: (name: string) => T | Promise<T>,
  options: { bare?: boolean } = {},
): Promise<T> {
  if (process.getuid?.() !== 0) throw new Error('needs root to create a throwaway network namespace');
  const name = createNamespace(prefix, options.bare);
  try {
    return await body(name);
  } finally {
    deleteNamespace(name);
  }
}

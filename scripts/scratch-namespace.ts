// A throwaway network namespace for scripts (benchmarks, demos): created with
// `ip netns add`, always deleted, also on failure and on Ctrl-C.
import { execFileSync, spawnSync } from 'node:child_process';

const live = new Set<string>();
const cleanUp = () => {
  for (const name of live) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  live.clear();
};
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

export async function withScratchNamespace<T>(prefix: string, body: (name: string) => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) throw new Error('needs root to create a throwaway network namespace');
  const name = `${prefix}-${process.pid}-${live.size + 1}`;
  execFileSync('ip', ['netns', 'add', name]);
  live.add(name);
  try {
    execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return await body(name);
  } finally {
    spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    live.delete(name);
  }
}

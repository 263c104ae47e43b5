// Which network namespace a handle talks to, from the options of open().
import { ValidationError } from './errors';
import { integer } from './validate';

/** Where `ip netns add` puts named namespaces. */
export const NETNS_RUN_DIR = '/run/netns';

export interface NamespaceOptions {
  /** A name as `ip netns` knows it: /run/netns/NAME. */
  netns?: string;
  /** Any namespace file: /run/netns/NAME, /proc/PID/ns/net, a bind mount. */
  netnsPath?: string;
  /** The network namespace of a process. */
  pid?: number;
  /** An open namespace file descriptor (stays yours: nlroute never closes it). */
  netnsFd?: number;
}

export const NAMESPACE_KEYS = ['netns', 'netnsPath', 'pid', 'netnsFd'] as const;

export interface NamespaceTarget {
  path?: string;
  fd?: number;
  /** The `ip netns` name, for per-namespace name files. */
  name?: string;
  description: string;
}

/**
 * The target of already-read options (see plainOptions). No namespace key at all is
 * the current namespace; a key that is present is used or refused, never skipped.
 */
export function namespaceTarget(options: Partial<Record<(typeof NAMESPACE_KEYS)[number], unknown>>): NamespaceTarget {
  const given = NAMESPACE_KEYS.filter((k) => options[k] !== undefined);
  if (given.length > 1) {
    throw new ValidationError(
      given[1],
      options[given[1]],
      `only one of netns, netnsPath, pid, netnsFd may be given (also got ${given[0]})`,
    );
  }
  if (options.netns !== undefined) {
    const name = validNamespaceName(options.netns);
    return { path: `${NETNS_RUN_DIR}/${name}`, name, description: `netns ${name}` };
  }
  if (options.netnsPath !== undefined) {
    const p = options.netnsPath;
    if (typeof p !== 'string' || p === '' || p.includes('\0')) {
      throw new ValidationError('netnsPath', p, 'expected a file path');
    }
    return { path: p, description: p };
  }
  if (options.pid !== undefined) {
    const pid = integer('pid', options.pid, 1, 0x3fffffff);
    return { path: `/proc/${pid}/ns/net`, description: `pid ${pid}` };
  }
  if (options.netnsFd !== undefined) {
    const fd = integer('netnsFd', options.netnsFd, 0, 0x7fffffff);
    return { fd, description: `fd ${fd}` };
  }
  return { description: 'current namespace' };
}

export function validNamespaceName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new ValidationError('netns', name, 'expected a namespace name');
  if (name.includes('/') || name === '.' || name === '..' || name.includes('\0') || name.length > 255) {
    throw new ValidationError('netns', name, 'a namespace name cannot contain "/" or NUL, or be "." or ".."');
  }
  return name;
}

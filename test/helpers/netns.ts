// The only way tests touch routing state: inside a network namespace this helper
// created, which it deletes after every test, also when the test fails (and, as a
// last resort, when the process exits). `ip` is only ever run with `-n <that ns>`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { open, type Handle } from '../../lib';
import { createNamespace, deleteNamespace } from '../../scripts/scratch-namespace';

export const isRoot = process.getuid?.() === 0;
const ROOT_REASON = 'needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to create throwaway network namespaces';

export interface IpResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** In a `before` hook: skips the suite, saying why, when the tests do not run as root. */
export function skipUnlessRoot(context: Mocha.Context, title: string): void {
  if (isRoot) return;
  console.log(`      skipped "${title}": ${ROOT_REASON}`);
  context.skip();
}

export class ScratchNamespace {
  private handleInstance?: Handle;

  /**
   * Creates the namespace with lo up and a veth pair v0/v1 (this kernel has no dummy
   * driver). The pair gets no automatic IPv6 link-local address: one would appear when
   * its duplicate detection ends, at a moment of the kernel's choosing, and change a
   * table between two dumps of a test that compares them.
   */
  constructor(
    readonly name = createNamespace('nlrt'),
    bare = false,
  ) {
    if (bare) return; // as the kernel makes it: lo down, no device, no table
    try {
      this.ip('link add v0 type veth peer name v1');
      this.ip('link set v0 addrgenmode none');
      this.ip('link set v1 addrgenmode none');
      this.ip('link set v0 up');
      this.ip('link set v1 up');
    } catch (error) {
      deleteNamespace(name);
      throw error;
    }
  }

  destroy(): void {
    deleteNamespace(this.name);
  }

  /** A handle on this namespace, opened on first use and closed by the helper. */
  async handle(): Promise<Handle> {
    this.handleInstance ??= await open({ netns: this.name });
    return this.handleInstance;
  }

  async closeHandle(): Promise<void> {
    await this.handleInstance?.close();
    this.handleInstance = undefined;
  }

  /**
   * The addresses the route tests build on: 10.1.0.1/24 and 2001:db8::5/64 on v0,
   * 10.2.0.1/24 on v1, so that gateways in those subnets are reachable.
   */
  withTestAddresses(): this {
    this.ip('addr add 10.1.0.1/24 dev v0');
    this.ip('addr add 10.2.0.1/24 dev v1');
    this.ip('-6 addr add 2001:db8::5/64 dev v0 nodad');
    return this;
  }

  /** `ip -n <ns> ARGS`; throws with ip's stderr when it fails. */
  ip(args: string): string {
    const r = this.ipTry(args);
    if (r.status !== 0) throw new Error(`ip -n ${this.name} ${args}: exit ${r.status}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** `ip -n <ns> ARGS`, whatever its exit status; `input` is its standard input (for `-batch -`). */
  ipTry(args: string, input?: string): IpResult {
    const r = spawnSync('ip', ['-n', this.name, ...args.trim().split(/\s+/)], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  ipJson<T = unknown>(args: string): T {
    const out = this.ip(`-j ${args}`).trim();
    return (out ? JSON.parse(out) : []) as T;
  }

  /** Sets a sysctl inside this namespace (`ip netns exec NS sysctl -qw KEY=VALUE`). */
  sysctl(key: string, value: string | number): void {
    const r = spawnSync('ip', ['netns', 'exec', this.name, 'sysctl', '-qw', `${key}=${value}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sysctl ${key}=${value} in ${this.name}: ${r.stderr.trim()}`);
  }

  /** Writes /etc/netns/<ns>/iproute2/FILE, which `ip -n` and nlroute both read for this namespace. */
  writeIproute2File(file: string, content: string): void {
    const dir = path.join('/etc/netns', this.name, 'iproute2');
    fs.mkdirSync(dir, { recursive: true });
    // The overlay replaces /etc/iproute2 as a whole (ip bind-mounts the directory).
    for (const f of fs.readdirSync('/etc/iproute2')) {
      const from = path.join('/etc/iproute2', f);
      const to = path.join(dir, f);
      if (!fs.existsSync(to) && fs.statSync(from).isFile()) fs.copyFileSync(from, to);
    }
    fs.writeFileSync(path.join(dir, file), content);
  }
}

/**
 * `describe` for tests that need a namespace: each test gets a fresh one (`ns()`),
 * and may ask for more (`another()`); all are deleted after the test whatever
 * happens. Skips the suite with a message when not root.
 */
export function describeInNamespace(
  title: string,
  body: (ns: () => ScratchNamespace, another: (options?: { bare?: boolean }) => ScratchNamespace) => void,
): void {
  describe(title, function () {
    let current: ScratchNamespace | undefined;
    let extra: ScratchNamespace[] = [];
    before(function () {
      skipUnlessRoot(this, title);
    });
    beforeEach(function () {
      current = new ScratchNamespace();
    });
    afterEach(async function () {
      const all = current ? [current, ...extra] : extra;
      current = undefined;
      extra = [];
      for (const ns of all) {
        try {
          await ns.closeHandle();
        } finally {
          ns.destroy();
        }
      }
    });
    const inTest = () => {
      if (!current) throw new Error('scratch namespaces exist only inside a test');
      return current;
    };
    body(inTest, (options) => {
      inTest();
      const ns = options?.bare ? new ScratchNamespace(createNamespace('nlrt', true), true) : new ScratchNamespace();
      extra.push(ns);
      return ns;
    });
  });
}

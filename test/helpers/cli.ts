// Running the nlroute CLI (bin/nlroute.js) as a user would, beside `ip`, and reading
// a namespace's whole routing state for comparing the two.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import type { IpResult, ScratchNamespace } from './netns';

export const NLROUTE_BIN = path.join(__dirname, '..', '..', '..', 'bin', 'nlroute.js');

/** `nlroute ARGS` in a child process; `input` is its standard input. */
export function nlroute(args: readonly string[], input?: string): IpResult {
  const r = spawnSync(process.execPath, [NLROUTE_BIN, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Everything `ip rule` and `ip route` can see, as `ip -j -d` prints it: rules of
 * both families and every route of every table. Fields that differ between two
 * namespaces for reasons of their own are left out: IPv6 link-local addresses
 * (made from random MACs) and the seconds left of an expiring route.
 */
export function kernelState(ns: ScratchNamespace): string {
  const rules = [ns.ip('-4 -j -d rule show').trim(), ns.ip('-6 -j -d rule show').trim()];
  const routes = (JSON.parse(ns.ip('-j -d route show table all')) as Array<Record<string, unknown>>)
    .filter((r) => !(r.type === 'local' && String(r.dst).startsWith('fe80:')))
    .map((r) => {
      delete r.expires;
      return JSON.stringify(r);
    });
  return [...rules, ...routes].join('\n');
}

/**
 * Removes the IPv6 link-local addresses of v0 and v1, so that no address appears
 * (after duplicate address detection) between one listing and the next.
 */
export function withoutLinkLocal(ns: ScratchNamespace): ScratchNamespace {
  ns.ip('-6 addr flush dev v0 scope link');
  ns.ip('-6 addr flush dev v1 scope link');
  return ns;
}

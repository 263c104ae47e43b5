// ip-num, loaded on first use. Loading it builds its large regular expressions, which
// cost a fresh process about a third of the `nlroute` command's start-up; a command
// or an agent that never reads an IPv6 address never needs them.
import type * as IpNum from 'ip-num';

let loaded: typeof IpNum | undefined;

export function ipNum(): typeof IpNum {
  // A require() on first use is the only way to load a module lazily and synchronously.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('ip-num') as typeof IpNum;
  return loaded;
}

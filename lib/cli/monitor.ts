// `nlroute monitor [ all | rule | route | link ]...`: handle.watch() printed the way
// `ip monitor` prints rules and routes: each as its `show` line, a removal with
// "Deleted " before it. Devices get a short line of nlroute's own (`ip monitor link`
// prints the whole of `ip link show`, which nlroute does not speak). With -j, one JSON
// object per line: { type, kind, object }, the object as `-j ... show` prints it.
import { AbortError } from '../errors';
import type { Handle } from '../handle';
import type { Link } from '../links';
import type { WatchEvent, WatchOptions } from '../watch/types';
import type { OutputMode } from './execute';
import { Output } from './output';
import { printRoute } from './print-route';
import { printRule } from './print-rule';
import { PrintStyle } from './print-style';
import { matches, UsageError } from './words';

export interface MonitorCommand {
  object: 'monitor';
  rules: boolean;
  routes: boolean;
  links: boolean;
}

/** `monitor` and what follows it: the kinds to watch (all of them when none is named). */
export function parseMonitorCommand(args: readonly string[], from: number): MonitorCommand {
  const command: MonitorCommand = { object: 'monitor', rules: false, routes: false, links: false };
  const words = args.slice(from);
  for (const word of words) {
    // As ip monitor, which tries link, then route, then rule ("r" and "ro" are route).
    if (word === 'all') command.rules = command.routes = command.links = true;
    else if (matches(word, 'link')) command.links = true;
    else if (matches(word, 'route')) command.routes = true;
    else if (matches(word, 'rule')) command.rules = true;
    else throw new UsageError(`"${word}" is unknown; nlroute monitors "all", "rule", "route" and "link"`);
  }
  if (words.length === 0) command.rules = command.routes = command.links = true;
  return command;
}

export interface MonitorIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Ends the monitor (Ctrl-C). */
  signal: AbortSignal;
}

/** Prints events until the signal fires; resolves to the exit status. */
export async function runMonitor(
  handle: Handle,
  command: MonitorCommand,
  mode: OutputMode & { family?: 4 | 6 },
  io: MonitorIo,
): Promise<number> {
  const family = mode.family;
  const options: WatchOptions = { signal: io.signal };
  if (command.rules) options.rules = family === undefined ? true : { family };
  if (command.routes) options.routes = { table: 'all', ...(family !== undefined && { family }) };
  if (command.links) options.links = true;
  const style = new PrintStyle(handle.names, mode);
  try {
    for await (const event of handle.watch(options)) io.stdout(eventText(event, style, mode));
  } catch (error) {
    if (error instanceof AbortError) return 0;
    throw error;
  }
  return 0;
}

function eventText(event: WatchEvent, style: PrintStyle, mode: OutputMode): string {
  if (event.type === 'resync') {
    // Not iproute2's (it reports the overflow and goes on without the lost changes).
    return mode.json ? `${JSON.stringify({ type: 'resync', reason: event.reason })}\n` : '';
  }
  const out = new Output({ json: mode.json, pretty: false });
  if (event.kind === 'rule') printRule(out, event.object, style);
  else if (event.kind === 'route') printRoute(out, event.object, style);
  else if (!mode.json) out.plain(linkLine(event.object));
  else out.object(undefined, () => linkJson(out, event.object));
  const printed = out.finish();
  if (mode.json) {
    // One element of a JSON array, written as the object on a line of its own.
    const object = printed.trim().replace(/^\[/, '').replace(/\]$/, '');
    return `{"type":${JSON.stringify(event.type)},"kind":${JSON.stringify(event.kind)},"object":${object}}\n`;
  }
  return event.type === 'removed' ? `Deleted ${printed}` : printed;
}

function linkLine(link: Link): string {
  return `${link.index}: ${link.name}${link.address === undefined ? '' : ` link ${link.address}`}\n`;
}

function linkJson(out: Output, link: Link): void {
  out.jsonOnly('ifindex', link.index).jsonOnly('ifname', link.name);
  if (link.address !== undefined) out.jsonOnly('address', link.address);
}

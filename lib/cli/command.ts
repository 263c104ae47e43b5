// A whole command line after the global options: `rule ...` or `route ...`, as
// iproute2 abbreviates them ("ro" and "r" are route, "ru" is rule).
import type { Family } from '../address';
import type { NameRegistry } from '../names/registry';
import { parseRouteCommand, type RouteCommand } from './route-grammar';
import { parseRuleCommand, type RuleCommand } from './rule-grammar';
import { HelpRequest } from './help';
import { matches, UsageError } from './words';

export type Command = RuleCommand | RouteCommand;

/** `names`: the name files of the namespace the command is for (rt_tables, ...). */
export function parseCommand(args: readonly string[], names: NameRegistry, family?: Family): Command {
  const object = args[0];
  if (object === undefined) throw new UsageError('an object is expected: "rule" or "route"');
  // iproute2 tries its objects in order; "route" comes before "rule".
  if (matches(object, 'route')) return parseRouteCommand(args, names, family, 1);
  if (matches(object, 'rule')) return parseRuleCommand(args, names, family, 1);
  if (matches(object, 'help')) throw new HelpRequest('nlroute');
  throw new UsageError(`object "${object}" is unknown; nlroute knows "rule" and "route"`);
}

/** Does the command change the kernel (and so belong in a batch)? */
export function isChange(command: Command): boolean {
  return command.verb !== 'list' && command.verb !== 'flush' && command.verb !== 'get' && command.verb !== 'test';
}

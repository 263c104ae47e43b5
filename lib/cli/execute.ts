// Runs one parsed command on a handle and returns what it prints.
import * as os from 'node:os';

import { NetlinkError } from '../errors';
import type { Handle } from '../handle';
import { RT_TABLE } from '../routes/codes';
import type { Route } from '../routes/types';
import type { Rule } from '../rules/types';
import type { Command } from './command';
import { PrintStyle } from './print-style';
import { Output } from './output';
import { printRoute } from './print-route';
import { printRule } from './print-rule';
import { hiddenFields, shownRoutes } from './route-show';
import { shownRules } from './rule-show';

export interface OutputMode {
  json: boolean;
  pretty: boolean;
  /** -d */
  details?: boolean;
  /** -N */
  numeric?: boolean;
}

export interface ExecuteOptions extends OutputMode {
  /** A line of a -batch file: a table that was never created lists as empty, as in `ip -batch`. */
  inBatch?: boolean;
}

export async function execute(handle: Handle, command: Command, mode: ExecuteOptions): Promise<string> {
  const missingTable = mode.inBatch ? 'empty' : 'error';
  const style = new PrintStyle(handle.names, mode);
  if (command.object === 'rule') {
    switch (command.verb) {
      case 'add':
        await handle.rules.add(command.spec);
        return '';
      case 'delete':
        await handle.rules.delete(command.spec);
        return '';
      case 'list': {
        const out = new Output(mode);
        for (const rule of await shownRules(handle, command.filter)) printRule(out, rule, style);
        return out.finish();
      }
      case 'flush':
        await deleteAll(handle, { rules: (await shownRules(handle, command.filter)).filter((rule) => rule.priority !== 0) });
        return '';
    }
  }
  switch (command.verb) {
    case 'list': {
      const out = new Output(mode);
      const hidden = hiddenFields(command.filter);
      // `ip route show` of the main table lists nothing when it was never created (a
      // namespace without addresses); of any other table, and `flush` of any, it fails.
      const table = command.filter.table ?? RT_TABLE.MAIN;
      const missing = table === RT_TABLE.MAIN ? 'empty' : missingTable;
      for (const route of await shownRoutes(handle, command.filter, missing)) printRoute(out, route, style, hidden);
      return out.finish();
    }
    case 'flush':
      await deleteAll(handle, { routes: await shownRoutes(handle, command.filter, missingTable) });
      return '';
    case 'get': {
      const out = new Output(mode);
      printRoute(out, await handle.routes.get(command.address, command.options), style);
      return out.finish();
    }
    case 'test': {
      // `ip route test` always fails: EEXIST when the key exists, ENOENT when not. The
      // exit status is iproute2's; the message says which.
      const exists = await handle.routes.test(command.spec);
      throw new NetlinkError({
        errno: exists ? os.constants.errno.EEXIST : os.constants.errno.ENOENT,
        operation: 'route test',
        extack: exists ? 'a route with this key exists' : 'no route with this key exists',
      });
    }
    default:
      await handle.routes[command.verb](command.spec);
      return '';
  }
}

/**
 * A flush deletes what a show with the same selector lists (rules other than
 * priority 0, which iproute2 never flushes), in one batch; the first failure is
 * the command's error.
 */
async function deleteAll(handle: Handle, listed: { rules?: Rule[]; routes?: Route[] }): Promise<void> {
  const batch = handle.batch();
  for (const rule of listed.rules ?? []) batch.rules.delete(rule);
  for (const route of listed.routes ?? []) batch.routes.delete(route);
  const results = await batch.commit({ onError: 'continue' });
  for (const result of results) if (result.status === 'failed') throw result.error;
}

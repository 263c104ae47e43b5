// What every part of a handle's API shares: the native handle, the name databases
// and device names of its namespace, the closed-state check, and turning native outcomes into errors.
import { HandleClosedError, NetlinkError } from './errors';
import { LinkNames } from './links';
import type { NativeHandle, NativeOutcome } from './native';
import type { NameRegistry } from './names/registry';

export class HandleCore {
  closed = false;
  /** Device names of this namespace, cached (see links.ts). */
  readonly links = new LinkNames(this);

  constructor(
    readonly native: NativeHandle,
    readonly names: NameRegistry,
  ) {}

  assertOpen(operation: string): void {
    if (this.closed) throw new HandleClosedError(operation);
  }

  /**
   * null (success) -> undefined; a success carrying a kernel warning -> a process
   * warning and undefined; anything else -> the NetlinkError to throw.
   */
  toError(
    outcome: NativeOutcome | null,
    operation: string,
    request?: string,
    fieldOfAttribute: Record<string, string> = {},
  ): NetlinkError | undefined {
    if (outcome === null) return undefined;
    if (outcome.errno === 0) {
      if (outcome.extack) process.emitWarning(`${operation}: ${outcome.extack}`, { code: 'NLROUTE_KERNEL_WARNING' });
      return undefined;
    }
    const attribute = outcome.attribute === undefined ? undefined : String(outcome.attribute);
    return new NetlinkError({
      errno: outcome.errno,
      operation,
      request,
      extack: outcome.extack,
      attribute,
      field: attribute === undefined ? undefined : fieldOfAttribute[attribute],
      syscall: outcome.syscall,
      state: outcome.state,
    });
  }
}

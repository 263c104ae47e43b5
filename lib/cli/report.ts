// Error text for stderr and the exit status iproute2 would give for the same failure.
import { getSystemErrorMap } from 'node:util';

import { FlushError, NetlinkError, ValidationError } from '../errors';
import { UsageError } from './words';

/** `EEXIST: file already exists` or the kernel's extended ACK, with nlroute's hint. */
export function describeFailure(error: unknown): string {
  if (error instanceof NetlinkError) {
    const text = error.extack ?? getSystemErrorMap().get(-error.errno)?.[1] ?? 'failed';
    const where = error.field ? ` (at ${error.field})` : '';
    const unknown = error.state === 'unknown' ? ' (the answer was lost; it may have applied)' : '';
    const hint = error.hint ? ` - ${error.hint}` : '';
    return `${error.code}: ${text}${where}${unknown}${hint}`;
  }
  if (error instanceof FlushError) return describeFailure(error.failures[0]);
  if (error instanceof ValidationError) return `${error.field}: ${error.reason} (got ${JSON.stringify(error.value)})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * 255 for bad syntax (iproute2's invarg and usage exits), 2 for a kernel refusal
 * (iproute2's RTNETLINK answers) and for a value the library refuses because the
 * kernel would (`ip` sends it and exits 2), 1 for the rest (an unknown device).
 */
export function exitStatusOf(error: unknown): number {
  if (error instanceof UsageError) return 255;
  if (error instanceof NetlinkError) return 2;
  if (error instanceof ValidationError && error.kernelRefuses) return 2;
  return 1;
}

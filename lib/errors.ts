// The error types nlroute throws. Every failure is one of these, so callers can
// branch on the class and on `code` (an errno name), never on message text.
import { ownValue } from './own';
import { constants as osConstants } from 'node:os';
import { getSystemErrorName } from 'node:util';

import { ERRNO_NAMES, type ErrnoCode } from './errno-names';

export class NlrouteError extends Error {
  override name = 'NlrouteError';
}

/** Bad input, caught before anything was sent to the kernel. */
export class ValidationError extends NlrouteError {
  override name = 'ValidationError';
  /**
   * The kernel would refuse this value too (a route's TOS with ECN bits, an IPv4
   * destination with host bits): nlroute refuses it first so the error names the field.
   * The `nlroute` command exits 2 for these, as `ip` does when the kernel refuses.
   */
  readonly kernelRefuses: boolean;
  constructor(
    /** The field as the caller spelled it: `from`, `table`, `sport`, ... */
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
    options?: { kernelRefuses?: boolean },
  ) {
    super(`${field}: ${reason} (got ${formatValue(value)})`);
    this.kernelRefuses = options?.kernelRefuses === true;
  }
}

/** A caught value as an Error (what our own code throws always is one). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The option that marks a ValidationError for a value the kernel would refuse as well. */
export const KERNEL_REFUSES = { kernelRefuses: true } as const;

/** What the kernel (or the socket) answered when an operation failed. */
export interface NetlinkErrorDetails {
  errno: number;
  /** The operation, e.g. `rule add` or `rule list`. */
  operation: string;
  /** A short iproute2-style rendering of what was sent, for the message. */
  request?: string;
  /** The kernel's extended-ACK message, when it gave one. */
  extack?: string;
  /** The kernel attribute the extended ACK pointed at (`FRA_SRC`), if any. */
  attribute?: string;
  /** Our field name for that attribute (`from`), if it maps to one. */
  field?: string;
  /** Which system call failed, for errors that did not come from the kernel's answer. */
  syscall?: string;
  /** `unknown`: the answer was lost (ENOBUFS) and the operation may or may not have applied. */
  state?: 'done' | 'unknown' | 'not-sent' | 'skipped';
  /** What nlroute knows about the likely cause, appended to the message. */
  hint?: string;
}

export class NetlinkError extends NlrouteError {
  override name = 'NetlinkError';
  readonly errno: number;
  /** The errno name: `EEXIST`, `ENOENT`, `EPERM`, ... */
  readonly code: ErrnoCode;
  readonly operation: string;
  readonly request?: string;
  readonly extack?: string;
  readonly attribute?: string;
  readonly field?: string;
  readonly syscall?: string;
  readonly state: 'done' | 'unknown' | 'not-sent' | 'skipped';
  /** What nlroute knows about the likely cause (also at the end of the message). */
  readonly hint?: string;

  constructor(d: NetlinkErrorDetails) {
    const code = errnoName(d.errno);
    const parts = [`${d.operation}${d.request ? ` ${d.request}` : ''}: ${code}`];
    if (d.extack) parts.push(d.extack);
    else parts.push(errnoText(d.errno));
    if (d.field || d.attribute) parts.push(`(at ${d.field ?? d.attribute})`);
    if (d.syscall) parts.push(`[${d.syscall}]`);
    if (d.hint) parts.push(`- ${d.hint}`);
    super(parts.join(' '));
    this.errno = d.errno;
    this.code = code;
    this.operation = d.operation;
    this.request = d.request;
    this.extack = d.extack;
    this.attribute = d.attribute;
    this.field = d.field;
    this.syscall = d.syscall;
    this.state = d.state ?? 'done';
    this.hint = d.hint;
  }
}

/**
 * The kernel did not answer within the handle's `timeoutMs`. The operation may or may
 * not have been applied (`state` says `unknown` for changes), and the handle is closed:
 * an answer may still come, to a request nobody waits for any more.
 */
export class TimeoutError extends NetlinkError {
  override name = 'TimeoutError';
}

/**
 * The caller's AbortSignal fired. Nothing more was sent after it did; for a batch,
 * `results` has every operation's definite result (`not-attempted` for those not sent).
 */
export class AbortError extends NlrouteError {
  override name = 'AbortError';
  constructor(
    readonly operation: string,
    readonly results?: readonly unknown[],
  ) {
    super(`${operation}: aborted`);
  }
}

/** The handle was closed (or never opened) when the operation was asked for. */
export class HandleClosedError extends NlrouteError {
  override name = 'HandleClosedError';
  constructor(operation: string) {
    super(`${operation}: the handle is closed`);
  }
}

/** Some deletes of a flush failed; the others went through. */
export class FlushError extends NlrouteError {
  override name = 'FlushError';
  constructor(
    readonly operation: string,
    readonly deleted: number,
    readonly failures: NetlinkError[],
  ) {
    super(`${operation}: ${failures.length} of ${deleted + failures.length} deletes failed; first: ${failures[0]?.message}`);
  }
}

const KNOWN_NAMES: ReadonlySet<string> = new Set(ERRNO_NAMES);
const NAME_OF_NUMBER = new Map<number, ErrnoCode>(
  Object.entries(osConstants.errno)
    .filter(([name]) => KNOWN_NAMES.has(name))
    .map(([name, n]) => [n, name as ErrnoCode]),
);

/** The errno's name as the system spells it (`ENOTSUP` for 95), else its number (`E122`). */
export function errnoName(errno: number): ErrnoCode {
  try {
    const name = getSystemErrorName(-errno);
    if (KNOWN_NAMES.has(name)) return name as ErrnoCode;
  } catch {
    // not an errno the system knows
  }
  return NAME_OF_NUMBER.get(errno) ?? `E${errno}`;
}

function errnoText(errno: number): string {
  const texts: Record<string, string> = {
    EEXIST: 'already exists',
    ENOENT: 'no such object',
    ESRCH: 'no such object',
    EPERM: 'operation not permitted (needs CAP_NET_ADMIN in the namespace)',
    EACCES: 'permission denied',
    EINVAL: 'invalid argument',
    ENOBUFS: 'receive buffer overflow',
    ENODEV: 'no such device',
  };
  return ownValue(texts, errnoName(errno)) ?? 'failed';
}

/** The value for a message: never throws (hostile getters, proxies), never huge. */
function formatValue(value: unknown): string {
  const LIMIT = 120;
  let text: string;
  try {
    if (typeof value === 'bigint') text = `${value}n`;
    else if (typeof value === 'symbol') text = value.toString();
    else if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
    else text = JSON.stringify(value) ?? String(value);
  } catch {
    try {
      text = Object.prototype.toString.call(value);
    } catch {
      text = '<unreadable value>';
    }
  }
  return text.length > LIMIT ? `${text.slice(0, LIMIT)}... (${text.length} characters)` : text;
}

// An AbortSignal given to a long call (list, flush, reconcile, commit), turned into the
// native AbortToken that the I/O thread watches. A signal that has already fired
// stops the call before anything is sent.
import { AbortError, ValidationError } from './errors';
import { addon, type AbortToken } from './native';

export interface CallOptions {
  /** Stops the call: nothing more is sent once it fires, and the call rejects with AbortError. */
  signal?: AbortSignal;
}

export interface Abortable {
  /** For the native call, or undefined when no signal was given. */
  token?: AbortToken;
  /** Whether the signal has fired (the call should send nothing more). */
  readonly aborted: boolean;
  /** Stops listening to the signal; call when the call ends. */
  dispose(): void;
}

const NONE: Abortable = { aborted: false, dispose() {} };

/** The signal of a call's options, checked; throws AbortError if it has already fired. */
export function abortable(operation: string, signal: unknown): Abortable {
  if (signal === undefined) return NONE;
  if (!(signal instanceof AbortSignal)) throw new ValidationError('signal', signal, 'expected an AbortSignal');
  if (signal.aborted) throw new AbortError(operation);
  const token = new addon.AbortToken();
  const onAbort = () => token.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    token,
    get aborted() {
      return signal.aborted;
    },
    dispose: () => signal.removeEventListener('abort', onAbort),
  };
}

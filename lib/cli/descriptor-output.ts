// The command's output, written with write(2) as it is made, as `ip` writes it.
// process.stdout would be a stream: making it loads Node's stream and socket modules,
// about 8 ms of a `route show` here, for output that is written once and at once.
import * as fs from 'node:fs';
import * as os from 'node:os';

const STDOUT = 1;
const STDERR = 2;

/** A descriptor left non-blocking by whoever made it (a parent's pipe) is waited on this long at a time. */
const FULL_PIPE_WAIT_MS = 1;
let sleeper: Int32Array | undefined; // made on the first full pipe: most commands never meet one

/**
 * Writes all of `text` to `fd`, waiting while the reader is slow. When the reader is
 * gone (EPIPE; Node ignores SIGPIPE) the process ends as `ip` would, killed by
 * SIGPIPE: with the shell's status for it and without a stack trace.
 */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(128 + os.constants.signals.SIGPIPE);
      if (code !== 'EAGAIN') throw error;
      Atomics.wait((sleeper ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, FULL_PIPE_WAIT_MS);
    }
  }
}

export const writeStdout = (text: string): void => writeAll(STDOUT, text);
export const writeStderr = (text: string): void => writeAll(STDERR, text);

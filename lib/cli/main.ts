// The `nlroute` command: iproute2's `ip rule` / `ip route` language on top of the
// library, one command from the arguments or many from -batch.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { open, type Handle } from '../handle';
import { validNamespaceName } from '../namespace-target';
import { NameRegistry } from '../names/registry';
import { PACKAGE_ROOT } from '../package-root';
import { writeStderr, writeStdout } from './descriptor-output';
import { runBatch, type BatchIo } from './batch-file';
import { readBatchLines } from './batch-lines';
import { parseCommand, type Command } from './command';
import { execute } from './execute';
import { HelpRequest, helpText } from './help';
import { parseMonitorCommand, runMonitor, type MonitorCommand } from './monitor';
import { parseOptions, type Options } from './options';
import { describeFailure, exitStatusOf } from './report';
import { matches } from './words';

export interface MainIo extends BatchIo {
  readStdin(): string;
  /** Ends a `monitor` (tests); the process's own ends on SIGINT or SIGTERM. */
  stop?: AbortSignal;
}

const processIo: MainIo = {
  stdout: writeStdout,
  stderr: writeStderr,
  readStdin: () => fs.readFileSync(0, 'utf8'),
};

/** Runs one invocation; resolves to its exit status. Never throws. */
export async function main(argv: readonly string[], io: MainIo = processIo): Promise<number> {
  let options: Options;
  let rest: string[];
  try {
    ({ options, rest } = parseOptions(argv));
    // Checked before its /etc/netns overlay is read for names.
    if (options.netns !== undefined) validNamespaceName(options.netns);
  } catch (error) {
    io.stderr(`nlroute: ${describeFailure(error)}\n`);
    return exitStatusOf(error);
  }
  // As `ip -h`: the grammar on stderr, status 255.
  if (options.help) {
    io.stderr(helpText('nlroute'));
    return 255;
  }
  if (options.version) {
    io.stdout(`nlroute ${version()}\n`);
    return 0;
  }
  if (options.batch !== undefined) {
    if (rest.length) {
      io.stderr(`nlroute: -batch reads its commands from the file; "${rest.join(' ')}" is left over\n`);
      return 255;
    }
    return batchMain(options, options.batch, io);
  }
  if (rest.length === 0) {
    io.stderr(helpText('nlroute'));
    return 255;
  }

  const what = rest.join(' ');
  if (rest[0].length >= 2 && matches(rest[0], 'monitor')) return monitorMain(options, rest, io);
  let command: Command;
  try {
    // Bad syntax (names too) never reaches the kernel: the command is read before a socket is opened.
    command = parseCommand(rest, NameRegistry.forNamespace(options.netns), options.family);
  } catch (error) {
    if (error instanceof HelpRequest) io.stderr(helpText(error.topic));
    else io.stderr(`nlroute: ${what}: ${describeFailure(error)}\n`);
    return exitStatusOf(error);
  }
  return withHandle(options, io, async (handle) => {
    try {
      io.stdout(await execute(handle, command, options));
      return 0;
    } catch (error) {
      io.stderr(`nlroute: ${what}: ${describeFailure(error)}\n`);
      return exitStatusOf(error);
    }
  });
}

async function monitorMain(options: Options, args: readonly string[], io: MainIo): Promise<number> {
  let command: MonitorCommand;
  try {
    command = parseMonitorCommand(args, 1);
  } catch (error) {
    io.stderr(`nlroute: ${args.join(' ')}: ${describeFailure(error)}\n`);
    return exitStatusOf(error);
  }
  // Ctrl-C (and a plain kill) end the monitor: the watch is closed, and the status is 0.
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signal = io.stop ?? controller.signal;
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    return await withHandle(options, io, (handle) => runMonitor(handle, command, options, { ...io, signal }));
  } catch (error) {
    io.stderr(`nlroute: monitor: ${describeFailure(error)}\n`);
    return exitStatusOf(error);
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

async function batchMain(options: Options, file: string, io: MainIo): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? io.readStdin() : fs.readFileSync(file, 'utf8');
  } catch (error) {
    io.stderr(`nlroute: cannot read batch file ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const lines = readBatchLines(text);
  return withHandle(options, io, (handle) => runBatch(handle, lines, { ...options, source: file }, io));
}

async function withHandle(options: Options, io: MainIo, body: (handle: Handle) => Promise<number>): Promise<number> {
  let handle: Handle;
  try {
    handle = await open(options.netns === undefined ? {} : { netns: options.netns });
  } catch (error) {
    const where = options.netns === undefined ? 'the current namespace' : `namespace "${options.netns}"`;
    io.stderr(`nlroute: cannot open ${where}: ${describeFailure(error)}\n`);
    return 1;
  }
  try {
    return await body(handle);
  } finally {
    await handle.close();
  }
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The bin entry: runs main() on the process's arguments and sets the exit status. */
export function run(): void {
  // main() never rejects: every failure becomes a message and a status.
  void main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}

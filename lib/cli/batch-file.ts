// `-batch FILE`: one command per line, run through the batch engine. Consecutive
// changes go to the kernel together (pipelined); a show, get, test or flush line
// first waits for the changes before it. As in iproute2, the first failure stops the
// batch unless -force, and a syntax error always stops it: the lines before it have
// run, the lines after it have not. Unlike iproute2, a line may begin with -4 or -6.
import type { Family } from '../address';
import type { Handle } from '../handle';
import type { BatchLine } from './batch-lines';
import { isChange, parseCommand, type Command } from './command';
import { execute, type OutputMode } from './execute';
import { HelpRequest, helpText } from './help';
import { describeFailure } from './report';
import type { RouteModifyVerb } from './route-grammar';

export interface BatchOptions extends OutputMode {
  family?: Family;
  force: boolean;
  /** The file name as given, for messages (`-` is standard input). */
  source: string;
}

export interface BatchIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Pending {
  line: BatchLine;
  command: Command;
}

// Changes go to the kernel in chunks of this many lines: a big file is never held
// whole as requests, and the kernel can work on one chunk while the next is read.
// Small, because what the lines in hand hold (words, commands, specs, records)
// survives every young-generation collection until their chunk is answered: 20 000
// route lines took 0.61 s with chunks of 128, 0.63 s with 256, 0.65 s with 512 and
// 0.71 s with 1024 (whole process, 8 runs each), and 1.53 s against 1.56 s for rules.
const CHUNK = 128;

/**
 * Sends a batch file's changes in order, a chunk at a time, one chunk in flight.
 * In stop mode a chunk is sent only once the one before it went through.
 */
class ChangeSender {
  private pending: Pending[] = [];
  private inFlight: Promise<boolean> = Promise.resolve(true);

  constructor(
    private readonly handle: Handle,
    private readonly force: boolean,
    private readonly fail: (line: BatchLine, error: unknown) => void,
  ) {}

  /**
   * Queues a change; false when an earlier change failed and the batch must stop. Only
   * a full chunk is waited for: the lines in between cost no promise each.
   */
  add(change: Pending): true | Promise<boolean> {
    this.pending.push(change);
    if (this.pending.length < CHUNK) return true;
    return this.sendPending();
  }

  /** Sends everything queued and waits for all of it; false when the batch must stop. */
  async settle(): Promise<boolean> {
    if (!(await this.sendPending())) return false;
    return this.inFlight;
  }

  // Waits for the chunk in flight, then puts the queued changes in flight.
  private async sendPending(): Promise<boolean> {
    if (!(await this.inFlight)) return false;
    const sent = this.pending;
    this.pending = [];
    if (sent.length) this.inFlight = this.commit(sent);
    return true;
  }

  private async commit(sent: Pending[]): Promise<boolean> {
    const batch = this.handle.batch();
    for (const { command } of sent) addToBatch(batch, command);
    const results = await batch.commit({ onError: this.force ? 'continue' : 'stop' });
    let ok = true;
    results.forEach((result, i) => {
      if (result.status !== 'failed') return;
      this.fail(sent[i].line, result.error);
      ok = false;
    });
    return ok || this.force;
  }
}

/** Runs the lines; resolves to the exit status (0, 1 when a line failed, 255 for bad syntax). */
export async function runBatch(handle: Handle, lines: Iterable<BatchLine>, options: BatchOptions, io: BatchIo): Promise<number> {
  let failed = false;
  const fail = (line: BatchLine, error: unknown) => {
    failed = true;
    io.stderr(`nlroute: ${options.source}:${line.number}: ${line.words.join(' ')}: ${describeFailure(error)}\n`);
  };
  const changes = new ChangeSender(handle, options.force, fail);

  for (const line of lines) {
    let family = options.family;
    let words = line.words;
    while (words[0] === '-4' || words[0] === '-6') {
      family = words[0] === '-4' ? 4 : 6;
      words = words.slice(1);
    }
    let command: Command;
    try {
      command = parseCommand(words, handle.names, family);
    } catch (error) {
      // The lines before it run; if one of them stops the batch, iproute2 never reads this one.
      if (!(await changes.settle())) return 1;
      // `help` in a batch line prints the grammar and ends the batch, as it does for `ip -batch`.
      if (error instanceof HelpRequest) io.stderr(helpText(error.topic));
      else fail(line, error);
      return 255;
    }
    if (isChange(command)) {
      const queued = changes.add({ line, command });
      if (queued !== true && !(await queued)) return 1;
      continue;
    }
    if (!(await changes.settle())) return 1;
    try {
      io.stdout(await execute(handle, command, { ...options, inBatch: true }));
    } catch (error) {
      fail(line, error);
      if (!options.force) return 1;
    }
  }
  await changes.settle();
  return failed ? 1 : 0;
}

function addToBatch(batch: ReturnType<Handle['batch']>, command: Command): void {
  if (command.object === 'rule') {
    if (command.verb === 'add' || command.verb === 'delete') batch.rules[command.verb](command.spec);
    return;
  }
  const verb = command.verb as Exclude<RouteModifyVerb, 'test'>;
  if ('spec' in command) batch.routes[verb](command.spec);
}

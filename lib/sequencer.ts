// Calls on one handle reach the kernel in the order they were made. Most calls send
// their request in the same turn of the event loop they are made in, so they stay in
// order by themselves; but some must wait first (for a device name, for validation
// spread over several turns), and a later call that needs no wait would overtake
// them. Each call therefore takes a ticket when it is made, and sends only when every
// earlier ticket has sent or given up. A call whose turn has come, which is nearly
// always, sends at once without allocating anything to wait on.

export class Sequencer {
  private issued = 0;
  /** The lowest ticket that has not finished sending. */
  private next = 1;
  private readonly finishedEarly = new Set<number>();
  private readonly waiting = new Map<number, () => void>();

  take(): Turn {
    return new Turn(this, this.issue());
  }

  /**
   * A bare ticket, for a call that will most likely send at once: it allocates nothing.
   * Finish it exactly once, with finish(), or hand it to a Turn that will.
   */
  issue(): number {
    return ++this.issued;
  }

  /** Whether the ticket's call may send now. */
  isNext(ticket: number): boolean {
    return ticket === this.next;
  }

  /** @internal */
  whenNext(ticket: number): Promise<void> {
    return new Promise((resolve) => this.waiting.set(ticket, resolve));
  }

  /** The ticket has sent all it sends in order (or will send nothing). Once per ticket. */
  finish(ticket: number): void {
    if (ticket !== this.next) {
      this.finishedEarly.add(ticket); // gave up (or failed validation) before its turn
      return;
    }
    this.next++;
    while (this.finishedEarly.delete(this.next)) this.next++;
    const wake = this.waiting.get(this.next);
    if (wake) {
      this.waiting.delete(this.next);
      wake();
    }
  }
}

/** One call's place in line. */
export class Turn {
  private finished = false;

  constructor(
    private readonly sequencer: Sequencer,
    private readonly ticket: number,
  ) {}

  /** Whether this call may send now (asking allocates nothing, unlike ready()). */
  isNow(): boolean {
    return this.finished || this.sequencer.isNext(this.ticket);
  }

  /** Undefined when this call may send now; else resolves when it may. Ask once. */
  ready(): Promise<void> | undefined {
    if (this.finished || this.sequencer.isNext(this.ticket)) return undefined;
    return this.sequencer.whenNext(this.ticket);
  }

  /** This call has sent all it sends in order (or will send nothing): the next may go. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.sequencer.finish(this.ticket);
  }

  /** Waits for the turn, calls `send` (which must post its request before it returns), and finishes. */
  async send<T>(send: () => Promise<T>): Promise<T> {
    const ready = this.ready();
    if (ready) await ready;
    try {
      return send();
    } finally {
      this.finish();
    }
  }
}

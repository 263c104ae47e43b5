// Reading a command's words the way iproute2 does: keywords may be abbreviated
// where iproute2 uses matches() (a keyword's prefix), must be exact where it uses
// strcmp(), and every keyword that takes an argument fails cleanly without one.

/** Bad syntax: reported before anything is sent, like iproute2's usage errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** iproute2's matches(): `word` is a non-empty prefix of `keyword`. */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && keyword.startsWith(word);
}

export class Words {
  /** `from`: where the words of interest start (no copy of the array is made). */
  constructor(
    private readonly words: readonly string[],
    private at = 0,
  ) {}

  get done(): boolean {
    return this.at >= this.words.length;
  }

  /** Takes the current word. */
  take(): string {
    const word = this.words[this.at++];
    if (word === undefined) throw new UsageError('Command line is not complete: an argument is missing');
    return word;
  }

  /** The argument after `keyword`, which must be there. */
  argument(keyword: string): string {
    const word = this.words[this.at++];
    if (word === undefined) throw new UsageError(`"${keyword}" needs an argument`);
    return word;
  }
}

/** iproute2's invarg(): a keyword's argument is not what it takes. */
export function invalidArgument(keyword: string, value: string, what: string): UsageError {
  return new UsageError(`argument "${value}" of "${keyword}" is wrong: ${what}`);
}

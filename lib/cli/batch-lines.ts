// A `-batch` file as numbered lines of words, read lazily: a big file is never held as
// one array of lines, so each line's words become garbage young (a whole file's worth
// of word arrays, kept alive while it was parsed and sent, made the collector copy and
// promote them all). Blank lines and `#` comments are dropped; "quotes" group words.

export interface BatchLine {
  /** 1-based line number in the file. */
  number: number;
  words: string[];
}

/** The file's lines that have words, in order, each split as it is reached. */
export function* readBatchLines(text: string): Generator<BatchLine, void, undefined> {
  let number = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    number++;
    const words = plainWords(text, start, end) ?? quotedWords(text.slice(start, end));
    if (words.length) yield { number, words };
    start = end + 1;
  }
}

const TAB = 9;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const HASH = 35;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const LAST_ASCII = 127;

/** What `\s` matches among ASCII characters: tab, line feed, vertical tab, form feed, carriage return, space. */
function isAsciiSpace(code: number): boolean {
  return code === SPACE || (code >= TAB && code <= CARRIAGE_RETURN);
}

/**
 * The words of `text[start, end)` when it is plain ASCII without quotes (most lines of
 * a big file), split by character codes; undefined otherwise. A `#` at the start of a
 * word begins a comment that runs to the end of the line.
 */
function plainWords(text: string, start: number, end: number): string[] | undefined {
  const words: string[] = [];
  let word = -1; // where the current word began
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code > LAST_ASCII || code === DOUBLE_QUOTE || code === SINGLE_QUOTE) return undefined;
    if (isAsciiSpace(code)) {
      if (word >= 0) words.push(text.slice(word, at));
      word = -1;
    } else if (word < 0) {
      if (code === HASH) return words;
      word = at;
    }
  }
  if (word >= 0) words.push(text.slice(word, end));
  return words;
}

/** Any line: quotes group words, and whitespace is whatever `\s` matches. */
function quotedWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    if (match[3]?.startsWith('#')) break; // a comment runs to the end of the line
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

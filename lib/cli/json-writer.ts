// JSON exactly as iproute2's `-j` and `-j -p` write it, so that a byte-for-byte
// comparison with `ip -j` holds. Its pretty form is not JSON.stringify's: arrays open
// with "[ " and close with " ]" on the same line, objects put each member on its own
// line indented four spaces per level (arrays count as a level), and the output ends
// with a newline. Compact form has no spaces at all.

export class JsonWriter {
  private text = '';
  private depth = 0;
  /** Whether the current container already holds a member (so the next needs a comma). */
  private hasMember = false;

  constructor(private readonly pretty: boolean) {}

  /** The key of the next value, inside an object. */
  key(name: string): this {
    if (this.hasMember) this.text += ',';
    if (this.pretty) this.text += '\n' + '    '.repeat(this.depth);
    this.text += `${quote(name)}:${this.pretty ? ' ' : ''}`;
    this.hasMember = false; // the value that follows writes no comma of its own
    return this;
  }

  string(value: string): this {
    return this.raw(quote(value));
  }

  number(value: number | bigint): this {
    return this.raw(String(value));
  }

  null(): this {
    return this.raw('null');
  }

  openObject(): this {
    this.separate();
    this.text += '{';
    this.depth++;
    this.hasMember = false;
    return this;
  }

  closeObject(): this {
    this.depth--;
    if (this.hasMember && this.pretty) this.text += '\n' + '    '.repeat(this.depth);
    this.text += '}';
    this.hasMember = true;
    return this;
  }

  openArray(): this {
    this.separate();
    this.text += this.pretty ? '[ ' : '[';
    this.depth++;
    this.hasMember = false;
    return this;
  }

  closeArray(): this {
    this.depth--;
    if (this.hasMember && this.pretty) this.text += ' ';
    this.text += ']';
    this.hasMember = true;
    return this;
  }

  /** Everything written, with iproute2's final newline. */
  finish(): string {
    return this.text + '\n';
  }

  private raw(text: string): this {
    this.separate();
    this.text += text;
    this.hasMember = true;
    return this;
  }

  private separate(): void {
    if (this.hasMember) this.text += ',';
  }
}

// iproute2 escapes the usual control characters, backslash and double quote.
function quote(value: string): string {
  return JSON.stringify(value);
}

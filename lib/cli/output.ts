// One place that writes both of iproute2's output forms, the way its print_* helpers
// do: every field is given once, with its text form and its JSON key, and the mode
// decides which of the two is written. The rule and route printers therefore cannot
// drift apart between text and JSON.
import { JsonWriter } from './json-writer';

export type JsonValue = string | number | bigint | null;

export class Output {
  private readonly json?: JsonWriter;
  private text = '';

  constructor(readonly mode: { json: boolean; pretty: boolean }) {
    if (mode.json) this.json = new JsonWriter(mode.pretty).openArray();
  }

  /** A field: `text` in text mode (nothing when undefined), `key: value` in JSON mode. */
  field(key: string, value: JsonValue, text: string | undefined): this {
    if (this.json) this.member(key, value);
    else if (text !== undefined) this.text += text;
    return this;
  }

  /** Text that JSON has no counterpart for (separators, line ends). */
  plain(text: string): this {
    if (!this.json) this.text += text;
    return this;
  }

  /** A JSON member with no text counterpart. */
  jsonOnly(key: string, value: JsonValue): this {
    if (this.json) this.member(key, value);
    return this;
  }

  /** An object: a record at the top level, or a named member inside one (JSON only). */
  object(key: string | undefined, body: () => void): this {
    if (this.json && key !== undefined) this.json.key(key);
    this.json?.openObject();
    body();
    this.json?.closeObject();
    return this;
  }

  /** A named JSON array; its body writes elements with element() or object(undefined). */
  array(key: string, body: () => void): this {
    this.json?.key(key).openArray();
    body();
    this.json?.closeArray();
    return this;
  }

  /** One element of the JSON array being written (text mode writes `text`). */
  element(value: JsonValue, text: string | undefined): this {
    if (this.json) this.write(value);
    else if (text !== undefined) this.text += text;
    return this;
  }

  /** What was written: iproute2's JSON document, or the text as it stands. */
  finish(): string {
    if (this.json) return this.json.closeArray().finish();
    const text = this.text;
    this.text = '';
    return text;
  }

  private member(key: string, value: JsonValue): void {
    this.json!.key(key);
    this.write(value);
  }

  private write(value: JsonValue): void {
    if (value === null) this.json!.null();
    else if (typeof value === 'string') this.json!.string(value);
    else this.json!.number(value);
  }
}

/**
 * Reads the Python literals upstream messages embed (`unique_keys='[{'project_id': 'X'}]'`,
 * `(('GDC-INTERNAL', 'D1'),)`, `'x' is not one of ['a', 'b']`): both upstreams format their
 * messages with Python's repr(). What it reads is shown again in plain words (words.ts); what it
 * cannot read is left as the upstream wrote it. Strings, numbers, None/True/False, lists, tuples
 * and dicts only: the forms repr() gives JSON values.
 */

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  value(): PyValue {
    this.space();
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return this.string(c);
    if (c === 'u' && (this.text[this.pos + 1] === "'" || this.text[this.pos + 1] === '"')) {
      this.pos++;
      return this.string(this.text[this.pos]);
    }
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') return this.dict();
    for (const [word, value] of WORDS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    const number = /^-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)/.exec(this.text.slice(this.pos, this.pos + 64));
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    throw new Error(`unexpected '${c ?? 'end'}' at ${this.pos}`);
  }

  private string(quote: string): string {
    let out = '';
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const next = this.text[++this.pos];
        if (next === 'x' || next === 'u') {
          const width = next === 'x' ? 2 : 4;
          out += String.fromCharCode(parseInt(this.text.slice(this.pos + 1, this.pos + 1 + width), 16));
          this.pos += width;
        } else out += ESCAPES[next] ?? `\\${next}`;
      } else out += c;
    }
    throw new Error('unterminated string');
  }

  private sequence(close: string): PyValue[] {
    const items: PyValue[] = [];
    this.pos++;
    for (;;) {
      this.space();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) throw new Error(`expected ',' or '${close}' at ${this.pos}`);
    }
  }

  private dict(): { [key: string]: PyValue } {
    const out: { [key: string]: PyValue } = {};
    this.pos++;
    for (;;) {
      this.space();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value();
      this.space();
      if (this.text[this.pos++] !== ':') throw new Error(`expected ':' at ${this.pos - 1}`);
      out[String(key)] = this.value();
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') throw new Error(`expected ',' or '}' at ${this.pos}`);
    }
  }

  space(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\n' || this.text[this.pos] === '\t') this.pos++;
  }
}

const WORDS: [string, PyValue][] = [
  ['None', null],
  ['True', true],
  ['False', false],
];

/** The value a whole text is the repr of, or undefined when it is not one. */
export function parsePython(text: string): PyValue | undefined {
  const reader = new Reader(text.trim());
  try {
    const value = reader.value();
    reader.space();
    return reader.pos === reader.text.length ? value : undefined;
  } catch {
    return undefined;
  }
}

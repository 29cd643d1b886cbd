/**
 * Python's repr() of JSON values. GDC messages are Python format strings ("%r is not one of %r",
 * "unique_keys='[{...}]'"), so the emulator renders values the way the Python server would.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyString(k)}: ${pyRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}

/** A tuple: `(a,)` for one element, as Python prints it. */
export function pyTuple(items: unknown[], render: (v: unknown) => string = pyRepr): string {
  if (items.length === 1) return `(${render(items[0])},)`;
  return `(${items.map(render).join(', ')})`;
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Nothing repr() would escape or that decides the quote: the string goes out as it is. */
const PLAIN = /^[^\\'"\n\r\t]*$/;

export function pyString(s: string): string {
  // Most strings need no escape: 40,000 keys of one message are not walked a character at a time.
  if (PLAIN.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's type name for a parsed JSON value ("Entity document must be an object, not a list"). */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

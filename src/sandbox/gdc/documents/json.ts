/**
 * JSON.parse keeps the last of duplicate keys silently; GDC refuses such documents, so this small
 * parser reports them ("The document contains duplicate keys: a, b") and otherwise matches JSON.parse.
 */
export class JsonParseError extends Error {}

export function parseJsonStrict(text: string): unknown {
  const duplicates: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonParseError(`${what}: line ${text.slice(0, i).split('\n').length} column ${i - text.lastIndexOf('\n', i - 1)} (char ${i})`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('Unterminated string starting at');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('Invalid string');
    }
  };
  const object = (): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    const keys = new Set<string>();
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
      const key = string();
      ws();
      if (text[i] !== ':') fail("Expecting ':' delimiter");
      i++;
      const v = value();
      if (keys.has(key) && !duplicates.includes(key)) duplicates.push(key);
      keys.add(key);
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail("Expecting ',' delimiter");
    }
  };
  const array = (): unknown[] => {
    i++;
    const out: unknown[] = [];
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail("Expecting ',' delimiter");
    }
  };
  const result = value();
  ws();
  if (i < text.length) fail('Extra data');
  if (duplicates.length) throw new JsonParseError(`The document contains duplicate keys: ${duplicates.join(', ')}`);
  return result;
}

import { DOMParser } from '@xmldom/xmldom';
import * as xpathModule from 'xpath';
import { selectWithResolver, type SelectReturnType } from 'xpath';

// xpath 0.0.34 turns a node-set into a number through Number(<XString object>), so an empty element
// counts as 0 where XPath 1.0 (§4.4) and lxml give NaN: `./days_to_birth * -1` on an empty
// <days_to_birth/> would become 0 instead of no value. Convert through the string, as the spec says.
{
  const lib = xpathModule as unknown as {
    XNodeSet: { prototype: { toString(): string; number(): unknown; numberValue(): number } };
    XNumber: new (s: string) => { numberValue(): number };
  };
  lib.XNodeSet.prototype.number = function (this: { toString(): string }) {
    return new lib.XNumber(this.toString());
  };
  lib.XNodeSet.prototype.numberValue = function (this: { toString(): string }) {
    return new lib.XNumber(this.toString()).numberValue();
  };
}

/** Why a BCR XML document could not be turned into entities; answered as 400 "Unable to parse xml: …". */
export class BcrParseError extends Error {}

/** xmldom's wording without its prefixes ("element parse error: Error: …"), with the position when known. */
function describe(message: string, locator?: { lineNumber?: number; columnNumber?: number }): string {
  const text = message.replace(/^\[xmldom [a-zA-Z]+\]\s*/, '').replace(/^element parse error: (Error: )?/, '').replace(/[:\s]+$/, '');
  return locator?.lineNumber ? `${text}, line ${locator.lineNumber}, column ${locator.columnNumber ?? 0}` : text;
}

/** Parses the document, refusing anything that is not well-formed (xmldom's errors, not only its fatal ones). */
export function parseXml(text: string): Document {
  if (!text.trim()) throw new BcrParseError('Document is empty, line 1, column 1');
  const errors: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(text, 'text/xml') as unknown as Document;
  } catch (err) {
    throw new BcrParseError(describe((err as Error).message, (err as { locator?: { lineNumber?: number; columnNumber?: number } }).locator));
  }
  if (errors.length) throw new BcrParseError(describe(errors[0]));
  if (!doc.documentElement) throw new BcrParseError('Start tag expected, no root element found');
  return doc;
}

/** Every `xmlns:prefix` the document declares, first declaration winning (lxml's nsmap, made lenient). */
function namespaces(doc: Document): Map<string, string> {
  const map = new Map<string, string>();
  const visit = (el: Element) => {
    for (let i = 0; i < el.attributes.length; i++) {
      const attr = el.attributes[i];
      if (attr.name.startsWith('xmlns:') && !map.has(attr.name.slice(6))) map.set(attr.name.slice(6), attr.value);
    }
    for (let child = el.firstChild; child; child = child.nextSibling) if (child.nodeType === 1) visit(child as Element);
  };
  visit(doc.documentElement!);
  return map;
}

export type XPathValue = Node[] | string | number | boolean;

/**
 * XPath 1.0 over one document with its own prefixes. A prefix the document does not declare (bio_model in
 * a plain biospecimen file) matches nothing, as lxml's failed lookups yield no result for the mappings.
 */
export class XmlDocument {
  readonly root: Element;
  private readonly resolver: { lookupNamespaceURI(prefix: string | null): string | null };

  constructor(readonly doc: Document) {
    this.root = doc.documentElement!;
    const ns = namespaces(doc);
    this.resolver = { lookupNamespaceURI: (prefix) => (prefix ? (ns.get(prefix) ?? `urn:sandbox:undeclared:${prefix}`) : null) };
  }

  evaluate(expression: string, context: Node = this.root): XPathValue {
    let result: SelectReturnType;
    try {
      result = selectWithResolver(expression, context, this.resolver);
    } catch (err) {
      throw new BcrParseError(`Invalid xpath ${expression}: ${(err as Error).message}`);
    }
    if (Array.isArray(result)) return result;
    if (result === null || result === undefined) return [];
    return typeof result === 'object' ? [result as Node] : result;
  }

  nodes(expression: string, context?: Node): Node[] {
    const value = this.evaluate(expression, context);
    return Array.isArray(value) ? value : [];
  }
}

/** The text lxml's `.text` would give (direct text of an element, value of a text node or attribute), trimmed; null when empty. */
export function textOf(node: Node): string | null {
  let text = '';
  if (node.nodeType === 1) {
    for (let child = node.firstChild; child; child = child.nextSibling) if (child.nodeType === 3 || child.nodeType === 4) text += child.nodeValue ?? '';
  } else text = node.nodeValue ?? '';
  text = text.trim();
  return text === '' ? null : text;
}

/** An xpath result as one scalar: node-sets give their node's text (several → error), NaN and '' give null. */
export function scalarOf(value: XPathValue, expression: string, label: string): string | number | boolean | null {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new BcrParseError(`${label}: Expected 1 result for xpath ${expression}, found ${value.length}`);
    return value.length ? textOf(value[0]) : null;
  }
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  return value;
}

import type { Dictionary, LinkEntry } from '../../../rules/gdc/dictionary/model';
import { alternatives, bcrMappings, type BiospecimenRule, type Paths } from './mapping';
import { dictionarySpelling } from './enums';
import { munge, type Scalar } from './munge';
import { BcrParseError, scalarOf, textOf, XmlDocument } from './xml';

export type Entity = Record<string, unknown>;

export interface ConvertContext {
  dictionary: Dictionary;
  /** Whether a node of `type` with these properties exists for the project (or outside any project). */
  exists(type: string, props: Record<string, unknown>): boolean;
}

/**
 * Biospecimen BCR XML → entity documents, by GDC's xpath mapping: one entity per root element, its id the
 * XML's own uuid (lower-cased), properties cast by the mapping's types, links to parents by their uuids.
 * Links by property (a case's project by disease code, an aliquot's center by code) are kept only when the
 * target exists, as GDC's converter skipped unmatched ones. Types and properties the loaded dictionary does
 * not have are left out; edge properties (plate, shipment) have no place in the sandbox graph.
 */
export function biospecimenEntities(xml: XmlDocument, ctx: ConvertContext): Entity[] {
  const entities = new Map<string, Entity>();
  for (const [type, rules] of Object.entries(bcrMappings().biospecimen)) {
    const nodeType = ctx.dictionary.get(type);
    if (!nodeType) continue;
    for (const rule of rules) {
      for (const root of rootsOf(xml, rule.root)) {
        const id = String(first(xml, rule.id, root, type, true)).toLowerCase();
        const entity: Entity = { ...properties(xml, root, rule, type, id, ctx), ...edges(xml, root, rule, type, ctx, [...entities.values()]) };
        const existing = entities.get(id);
        entities.set(id, existing ? Object.assign(existing, entity) : { id, type, ...entity });
      }
    }
  }
  return [...entities.values()];
}

export function rootsOf(xml: XmlDocument, paths: Paths): Node[] {
  const seen = new Set<Node>();
  for (const path of alternatives(paths)) for (const node of xml.nodes(path)) seen.add(node);
  return [...seen];
}

/** The first alternative that yields a value; `expected` makes none an error, as sheepdog's xpath(expected=True). */
function first(xml: XmlDocument, paths: Paths | null | undefined, root: Node, label: string, expected = false): string | number | boolean | null {
  for (const path of alternatives(paths)) {
    const value = scalarOf(xml.evaluate(path, root), path, label);
    if (value !== null) return value;
  }
  if (expected) throw new BcrParseError(`${label}: Unable to find xpath ${alternatives(paths).join(' or ')}`);
  return null;
}

function properties(xml: XmlDocument, root: Node, rule: BiospecimenRule, type: string, id: string, ctx: ConvertContext): Entity {
  const declared = new Set(ctx.dictionary.get(type)!.properties);
  const label = `${type}: ${id}`;
  const out: Entity = {};
  for (const [name, prop] of Object.entries(rule.properties ?? {})) {
    if (!prop || !declared.has(name)) continue;
    const raw = first(xml, prop.path, root, label);
    const value = raw === null ? (prop.default ?? null) : munge(raw, prop, `${label}: ${name}`);
    if (value !== null) out[name] = dictionarySpelling(ctx.dictionary, type, name, value as Scalar);
  }
  for (const [name, date] of Object.entries(rule.datetime_properties ?? {})) {
    if (!declared.has(name)) continue;
    const part = (path?: string) => (path ? first(xml, path, root, label) : null);
    const year = part(date.year);
    if (year === null) continue;
    const [y, m, d] = [year, part(date.month) ?? 1, part(date.day) ?? 1].map((v) => munge(v, { type: 'int' }, `${label}: ${name}`) as number);
    out[name] = Math.floor(Date.UTC(y, m - 1, d) / 1000);
  }
  return out;
}

function edges(xml: XmlDocument, root: Node, rule: BiospecimenRule, type: string, ctx: ConvertContext, converted: Entity[]): Entity {
  const nodeType = ctx.dictionary.get(type)!;
  const out: Entity = {};
  for (const [name, paths] of Object.entries(rule.edges ?? {})) {
    if (!nodeType.linkByName.has(name)) continue;
    for (const path of alternatives(paths)) {
      const ids = xml.nodes(path, root).map(textOf).filter((v): v is string => v !== null);
      if (ids.length) {
        out[name] = ids.map((v) => ({ id: v.toLowerCase() }));
        break;
      }
    }
  }
  for (const [name, keys] of Object.entries(rule.edges_by_property ?? {})) {
    const link = nodeType.linkByName.get(name);
    if (!link) continue;
    const props: Record<string, unknown> = {};
    for (const [key, paths] of Object.entries(keys)) props[key] = first(xml, paths, root, `${type}: ${name}`);
    if (Object.values(props).some((v) => v === null)) continue;
    const inDocument = converted.some((e) => e.type === link.target_type && Object.entries(props).every(([k, v]) => e[k] === v));
    if (inDocument || ctx.exists(link.target_type, props)) out[name] = [props];
  }
  return keepOneOfExclusive(nodeType.links, out);
}

/**
 * The mapping reaches every ancestor (an analyte under a portion finds its sample too); of an exclusive
 * link group only the first link the mapping lists is kept: the nearest parent.
 */
function keepOneOfExclusive(entries: LinkEntry[], edgesFound: Entity): Entity {
  for (const entry of entries) {
    if (entry.kind !== 'group') continue;
    if (entry.exclusive) {
      const names = new Set(entry.subgroup.flatMap((s) => (s.kind === 'link' ? [s.link.name] : [])));
      const present = Object.keys(edgesFound).filter((k) => names.has(k));
      for (const extra of present.slice(1)) delete edgesFound[extra];
    }
    keepOneOfExclusive(entry.subgroup, edgesFound);
  }
  return edgesFound;
}

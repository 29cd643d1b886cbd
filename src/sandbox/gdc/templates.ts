import { stringify } from 'csv-stringify/sync';
import type { Dictionary, LinkDef, NodeType } from '../../rules/gdc/dictionary/model';

export type TemplateFormat = 'tsv' | 'csv' | 'json';
export const TEMPLATE_FORMATS: readonly TemplateFormat[] = ['tsv', 'csv', 'json'];

/** The key a link names its target by: the target's first non-id unique key (`code` for project). */
export function linkKey(link: LinkDef, dictionary: Dictionary): string {
  const target = dictionary.get(link.target_type);
  return target?.uniqueKeys.flat().find((k) => k !== 'id' && k !== 'project_id') ?? 'submitter_id';
}

/** Links that take several targets ([GDC] templates mark them #1, inviting #2, #3… columns). */
export function isToMany(link: LinkDef): boolean {
  return link.multiplicity === 'one_to_many' || link.multiplicity === 'many_to_many';
}

/** A type's visible properties in sheepdog's groups, each sorted; system properties hidden but project_id. */
export interface ColumnPlan {
  uniques: string[];
  links: LinkDef[];
  required: string[];
  optional: string[];
}

export function columnPlan(nodeType: NodeType): ColumnPlan {
  const system = new Set(nodeType.systemProperties.filter((p) => p !== 'project_id'));
  const isRequired = new Set(nodeType.required);
  const placed = new Set(['type', 'id']);
  const uniques = [...new Set(nodeType.uniqueKeys.flat())].filter((k) => !placed.has(k) && !system.has(k)).sort();
  uniques.forEach((k) => placed.add(k));
  const links = [...nodeType.linkByName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  links.forEach((l) => placed.add(l.name));
  const rest = nodeType.properties.filter((p) => !placed.has(p) && !system.has(p));
  return {
    uniques,
    links,
    required: rest.filter((p) => isRequired.has(p)).sort(),
    optional: rest.filter((p) => !isRequired.has(p)).sort(),
  };
}

/**
 * Template columns in sheepdog's order: type, sorted unique keys, sorted links, sorted required, sorted
 * optional. System properties are hidden except project_id; required properties carry a `*`.
 */
export function templateColumns(nodeType: NodeType, dictionary: Dictionary): string[] {
  const plan = columnPlan(nodeType);
  const star = (p: string) => (nodeType.required.includes(p) ? `*${p}` : p);
  return [
    'type',
    ...plan.uniques.map(star),
    ...plan.links.map((l) => `${l.name}.${linkKey(l, dictionary)}${isToMany(l) ? '#1' : ''}`),
    ...plan.required.map(star),
    ...plan.optional,
  ];
}

/** The JSON template of a type: every column null but `type`, links as an object of their key. */
export function templateDocument(nodeType: NodeType, dictionary: Dictionary): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const column of templateColumns(nodeType, dictionary)) {
    const name = column.replace(/^\*/, '');
    if (name.includes('.')) {
      const [link, key] = name.split('.');
      doc[link] = { [key.replace(/#\d+$/, '')]: null };
    } else doc[name] = name === 'type' ? nodeType.type : null;
  }
  return doc;
}

/** A template file: the header row and a second row holding only the type name. */
export function renderTemplate(nodeType: NodeType, dictionary: Dictionary, format: TemplateFormat): string {
  if (format === 'json') return JSON.stringify(templateDocument(nodeType, dictionary), null, 2);
  const columns = templateColumns(nodeType, dictionary);
  const row = columns.map((_, i) => (i === 0 ? nodeType.type : ''));
  return stringify([columns, row], { delimiter: format === 'tsv' ? '\t' : ',' });
}

/**
 * The types `/template` without a type returns: those a submitter can upload through the project endpoint
 * (sheepdog takes every type with a project_id; the non-submittable ones would only be refused), narrowed
 * to `categories` and without the types or categories in `exclude`.
 */
export function templateTypes(dictionary: Dictionary, categories: string[], exclude: string[]): NodeType[] {
  return [...dictionary.types.values()].filter(
    (t) =>
      t.hasProjectId &&
      t.submittable &&
      (!categories.length || categories.includes(t.category)) &&
      !exclude.includes(t.type) &&
      !exclude.includes(t.category),
  );
}

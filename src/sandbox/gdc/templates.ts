import { stringify } from 'csv-stringify/sync';
import type { Dictionary, LinkDef, NodeType } from '../../rules/gdc/dictionary/model';

export type TemplateFormat = 'tsv' | 'csv' | 'json';

/** The column a link expands to: `name.<first non-id unique key of the target>` (`code` for project). */
function linkColumn(link: LinkDef, dictionary: Dictionary): string {
  const target = dictionary.get(link.target_type);
  const key = target?.uniqueKeys.flat().find((k) => k !== 'id' && k !== 'project_id') ?? 'submitter_id';
  // [GDC] templates mark links that take several targets with #1, inviting #2, #3… columns.
  const many = link.multiplicity === 'one_to_many' || link.multiplicity === 'many_to_many';
  return `${link.name}.${key}${many ? '#1' : ''}`;
}

/**
 * Template columns in sheepdog's order: type, sorted unique keys, sorted links, sorted required, sorted
 * optional. System properties are hidden except project_id; required properties carry a `*`.
 */
export function templateColumns(nodeType: NodeType, dictionary: Dictionary): string[] {
  const system = new Set(nodeType.systemProperties.filter((p) => p !== 'project_id'));
  const required = new Set(nodeType.required);
  const star = (p: string) => (required.has(p) ? `*${p}` : p);
  const placed = new Set(['type', 'id']);
  const uniques = [...new Set(nodeType.uniqueKeys.flat())].filter((k) => !placed.has(k) && !system.has(k)).sort();
  uniques.forEach((k) => placed.add(k));
  const links = [...nodeType.linkByName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  links.forEach((l) => placed.add(l.name));
  const rest = nodeType.properties.filter((p) => !placed.has(p) && !system.has(p));
  return [
    'type',
    ...uniques.map(star),
    ...links.map((l) => linkColumn(l, dictionary)),
    ...rest.filter((p) => required.has(p)).sort().map(star),
    ...rest.filter((p) => !required.has(p)).sort(),
  ];
}

/** A template file: the header row and a second row holding only the type name. */
export function renderTemplate(nodeType: NodeType, dictionary: Dictionary, format: TemplateFormat): string {
  const columns = templateColumns(nodeType, dictionary);
  if (format === 'json') {
    const doc: Record<string, unknown> = {};
    for (const column of columns) {
      const name = column.replace(/^\*/, '');
      if (name.includes('.')) {
        const [link, key] = name.split('.');
        doc[link] = { [key.replace(/#\d+$/, '')]: null };
      } else doc[name] = name === 'type' ? nodeType.type : null;
    }
    return JSON.stringify(doc, null, 2);
  }
  const row = columns.map((_, i) => (i === 0 ? nodeType.type : ''));
  return stringify([columns, row], { delimiter: format === 'tsv' ? '\t' : ',' });
}
